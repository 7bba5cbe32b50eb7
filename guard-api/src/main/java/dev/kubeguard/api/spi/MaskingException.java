package dev.kubeguard.api.spi;

import java.io.IOException;

/**
 * A body could not be masked (unreadable encoding, broken JSON, limits exceeded). The adapter
 * withholds the body: the caller never sees bytes the masker did not vouch for. An
 * {@link IOException} so it travels through stream plumbing unchanged.
 */
public class MaskingException extends IOException {
  private static final long serialVersionUID = 1L;

  public MaskingException(String message) {
    super(message);
  }

  public MaskingException(String message, Throwable cause) {
    super(message, cause);
  }
}

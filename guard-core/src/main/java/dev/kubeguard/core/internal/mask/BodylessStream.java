package dev.kubeguard.core.internal.mask;

import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.nio.ByteBuffer;

/**
 * A response without a Content-Type: fine while it has no body (204, a HEAD), withheld as soon
 * as a byte arrives, since nobody can say how to read it. Not thread-safe.
 */
public final class BodylessStream implements MaskingStream {

  @Override
  public void write(ByteBuffer chunk) throws MaskingException {
    if (chunk.hasRemaining()) {
      throw new MaskingException("response has a body but no Content-Type; body withheld");
    }
  }

  @Override
  public void finish() {}

  @Override
  public int maskedCount() {
    return 0;
  }
}

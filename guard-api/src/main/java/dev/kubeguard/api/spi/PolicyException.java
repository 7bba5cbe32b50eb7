package dev.kubeguard.api.spi;

/** A policy engine could not decide; the Guard denies the request with this message as reason. */
public class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}

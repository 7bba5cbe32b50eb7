package dev.kubeguard.api.spi;

/**
 * A credential was not accepted. {@link #getMessage()} is for the operator's logs (which check
 * failed, never the token); callers are only ever told {@link #PUBLIC_MESSAGE}.
 */
public class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The only thing a caller learns about a rejected credential. */
  public static final String PUBLIC_MESSAGE = "invalid or expired credentials";

  public AuthenticationException(String operatorMessage) {
    super(operatorMessage);
  }

  public AuthenticationException(String operatorMessage, Throwable cause) {
    super(operatorMessage, cause);
  }
}

package dev.kubeguard.core.classify;

/**
 * Thrown when kube-apiserver would refuse a request before authorizing it, so there is nothing
 * faithful to classify: a malformed request target, a bad percent escape, a legacy
 * {@code /watch/} or {@code /proxy/} path without a resource, impersonation headers the server
 * rejects. Also thrown for the few inputs where servers of different versions read a request
 * differently (the Guard refuses rather than guess).
 *
 * <p>The message says what the apiserver would say; {@link #httpStatus()} is the status it would
 * answer with (400 or 500). Callers must treat this exception as a denial: the request is never
 * forwarded. Instances are immutable and thread-safe.
 */
public final class ClassificationException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int httpStatus;

  /**
   * @param httpStatus the status kube-apiserver answers such a request with (4xx or 5xx)
   * @param message what the apiserver would say, never a credential or body
   */
  public ClassificationException(int httpStatus, String message) {
    super(message);
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("httpStatus must be a 4xx or 5xx code, got " + httpStatus);
    }
    this.httpStatus = httpStatus;
  }

  /** The HTTP status kube-apiserver answers with: 400 (bad request) or 500 (internal error). */
  public int httpStatus() {
    return httpStatus;
  }

  /** A 400 Bad Request. */
  public static ClassificationException badRequest(String message) {
    return new ClassificationException(400, message);
  }

  /** A 500 Internal Server Error, as kube-apiserver answers when it cannot build a RequestInfo. */
  public static ClassificationException internalError(String message) {
    return new ClassificationException(500, message);
  }
}

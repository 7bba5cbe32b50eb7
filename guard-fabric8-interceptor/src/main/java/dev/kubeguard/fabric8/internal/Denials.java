package dev.kubeguard.fabric8.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.core.KubeStatus;
import dev.kubeguard.core.Verdict;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import java.io.IOException;

/**
 * Turns a KubeGuard denial into the exception fabric8 raises for a 403 from the API server, so
 * callers handle it as they already handle Forbidden. Stateless and thread-safe.
 */
final class Denials {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The exception for a denied verdict, carrying the Guard's own {@code v1 Status}. */
  static KubernetesClientException forbidden(HttpRequest request, Verdict v) {
    return failure(request, status(v.statusBody(), v.httpStatus(), v.message()));
  }

  /** The exception for a denied exchange, carrying the Guard's own {@code v1 Status}. */
  static KubernetesClientException forbidden(HttpRequest request, dev.kubeguard.core.GuardedExchange x) {
    return failure(request, status(x.statusBody(), x.statusCode(), x.message()));
  }

  /** The exception for a request the adapter itself refuses after the Guard allowed it. */
  static KubernetesClientException forbidden(HttpRequest request, Verdict allowed, String reason) {
    byte[] body = KubeStatus.forbidden(allowed.request().identity().user(), allowed.request().attributes(), reason);
    return failure(request, status(body, 403, reason));
  }

  /**
   * The exception a caller gets for a response body KubeGuard withheld: fabric8's error for a
   * {@code 500 InternalError} Status, as the API server itself would send.
   */
  static KubernetesClientException withheld(String why) {
    String message = "kubeguard: response withheld: " + why;
    Status status = status(KubeStatus.internalError(message), 500, message);
    return new KubernetesClientException(message, 500, status);
  }

  private static KubernetesClientException failure(HttpRequest request, Status status) {
    // Same wording as fabric8's OperationSupport.requestFailure for a server-sent Status.
    String message = "Failure executing: " + request.method() + " at: " + request.uri() + ". Message: " + status.getMessage() + ".";
    return new KubernetesClientException(message, null, status.getCode(), status, request);
  }

  private static Status status(byte[] body, int code, String message) {
    try {
      Status s = JSON.readValue(body, Status.class);
      if (s.getCode() != null && s.getCode() == code) {
        return s;
      }
    } catch (IOException | RuntimeException e) {
      // fall through to a Status built from the verdict's own fields
    }
    return new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(code).withMessage(message).build();
  }

  private Denials() {}
}

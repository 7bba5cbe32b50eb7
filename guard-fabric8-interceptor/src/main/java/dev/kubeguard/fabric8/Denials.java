package dev.kubeguard.fabric8;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.core.GuardedExchange;
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

  /** The exception for a denied exchange, carrying the Guard's own {@code v1 Status}. */
  static KubernetesClientException forbidden(HttpRequest request, GuardedExchange denied) {
    return failure(request, status(denied.statusBody(), denied.statusCode(), "Forbidden", denied.message()));
  }

  /**
   * The exception a caller gets for a response body the exchange withheld: fabric8's error for the
   * Status it answers instead ({@code 500 InternalError}), as the API server itself would send.
   */
  static KubernetesClientException withheld(GuardedExchange.Reply.Withhold reply) {
    Status status = status(reply.body(), reply.code(), "InternalError", "kubeguard: response withheld");
    return new KubernetesClientException(status.getMessage(), reply.code(), status);
  }

  /**
   * The exception for a body the masker failed on mid-stream (the exchange recorded it as a 500):
   * the same {@code InternalError} Status, before the backend can report it its own way.
   */
  static KubernetesClientException withheld(String why) {
    String message = "kubeguard: response withheld: " + why;
    Status status = new StatusBuilder().withStatus("Failure").withReason("InternalError").withCode(500)
        .withMessage(message).build();
    return new KubernetesClientException(message, 500, status);
  }

  private static KubernetesClientException failure(HttpRequest request, Status status) {
    // Same wording as fabric8's OperationSupport.requestFailure for a server-sent Status.
    String message = "Failure executing: " + request.method() + " at: " + request.uri() + ". Message: " + status.getMessage() + ".";
    return new KubernetesClientException(message, null, status.getCode(), status, request);
  }

  private static Status status(byte[] body, int code, String reason, String message) {
    try {
      Status s = JSON.readValue(body, Status.class);
      if (s.getCode() != null && s.getCode() == code) {
        return s;
      }
    } catch (IOException | RuntimeException e) {
      // fall through to a Status built from the exchange's own fields
    }
    return new StatusBuilder().withStatus("Failure").withReason(reason).withCode(code).withMessage(message).build();
  }

  private Denials() {}
}

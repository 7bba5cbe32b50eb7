package dev.kubeguard.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One audit record in the shape of Kubernetes' {@code audit.k8s.io/v1} {@code Event}, so tools
 * that read the cluster's audit log read ours. KubeGuard's own facts travel as
 * {@code kubeguard.dev/*} annotations (decision, rule, reason, approval id, tool, session,
 * masked-field count).
 *
 * <p>{@code requestObject} and {@code responseObject} are JSON text <em>after masking</em>, present
 * only when {@code level} includes them, else {@code null}. {@code impersonatedUser},
 * {@code objectRef} and {@code responseStatus} may be {@code null}. Immutable.
 */
public record AuditEvent(
    AuditLevel level,
    String auditId,
    Stage stage,
    String requestUri,
    String verb,
    Identity user,
    Identity impersonatedUser,
    List<String> sourceIps,
    String userAgent,
    ObjectReference objectRef,
    ResponseStatus responseStatus,
    String requestObject,
    String responseObject,
    Instant requestReceivedTimestamp,
    Instant stageTimestamp,
    Map<String, String> annotations) {

  /** Prefix of every annotation KubeGuard adds. */
  public static final String ANNOTATION_PREFIX = "kubeguard.dev/";

  /** Stages of a request's life, as Kubernetes names them. */
  public enum Stage {
    RequestReceived,
    ResponseStarted,
    ResponseComplete,
    Panic
  }

  /** The object a request is about ({@code audit.k8s.io/v1 ObjectReference}); empty strings when unknown. */
  public record ObjectReference(
      String resource, String namespace, String name, String uid, String apiGroup, String apiVersion,
      String resourceVersion, String subresource) {
    public ObjectReference {
      resource = RequestInfo.nz(resource);
      namespace = RequestInfo.nz(namespace);
      name = RequestInfo.nz(name);
      uid = RequestInfo.nz(uid);
      apiGroup = RequestInfo.nz(apiGroup);
      apiVersion = RequestInfo.nz(apiVersion);
      resourceVersion = RequestInfo.nz(resourceVersion);
      subresource = RequestInfo.nz(subresource);
    }
  }

  /** The outcome ({@code metav1.Status} subset that audit events keep). */
  public record ResponseStatus(int code, String status, String reason, String message) {
    public ResponseStatus {
      status = RequestInfo.nz(status);
      reason = RequestInfo.nz(reason);
      message = RequestInfo.nz(message);
    }
  }

  public AuditEvent {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(auditId, "auditId");
    Objects.requireNonNull(stage, "stage");
    requestUri = RequestInfo.nz(requestUri);
    verb = RequestInfo.nz(verb);
    Objects.requireNonNull(user, "user");
    sourceIps = sourceIps == null ? List.of() : List.copyOf(sourceIps);
    userAgent = RequestInfo.nz(userAgent);
    Objects.requireNonNull(requestReceivedTimestamp, "requestReceivedTimestamp");
    Objects.requireNonNull(stageTimestamp, "stageTimestamp");
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}

package dev.kubeguard.core.internal.engine;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Verdict;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Turns a verdict and what happened to the request into an {@code audit.k8s.io/v1}-shaped event. Stateless. */
public final class EventFactory {

  /** Everything an event says besides the verdict. */
  public record Facts(
      Identity user,
      String requestUri,
      String verb,
      String userAgent,
      AuditEvent.Stage stage,
      AuditEvent.ResponseStatus status,
      String requestObject,
      String responseObject,
      int maskedFields,
      List<Identity> approvers,
      Instant received,
      Instant now) {}

  public static AuditEvent event(Verdict v, Facts f) {
    AuditLevel level = v.obligations().auditLevel();
    AccessRequest r = v.request();
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(AuditEvent.ANNOTATION_PREFIX + "decision", v.decision().effect().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    put(ann, "rule", v.decision().ruleId());
    put(ann, "reason", v.allowed() ? v.decision().reason() : v.message());
    put(ann, "approval-id", v.approvalId());
    put(ann, "approvers", f.approvers().stream().map(Identity::user).collect(Collectors.joining(",")));
    if (r != null) {
      put(ann, "tool", r.context().tool());
      put(ann, "session", r.context().sessionId());
      put(ann, "correlation-id", r.context().correlationId());
      if (r.dryRun()) {
        put(ann, "dry-run", "true");
      }
    }
    if (f.stage() == AuditEvent.Stage.ResponseComplete) {
      put(ann, "masked-fields", Integer.toString(f.maskedFields()));
    }
    v.decision().annotations().forEach((k, val) -> put(ann, k, val));
    return new AuditEvent(
        level,
        v.auditId(),
        f.stage(),
        f.requestUri(),
        f.verb(),
        f.user(),
        null,
        List.of(),
        f.userAgent(),
        r == null ? null : objectRef(r.attributes()),
        f.status(),
        level.includesRequest() ? f.requestObject() : null,
        level.includesResponse() ? f.responseObject() : null,
        f.received(),
        f.now(),
        ann);
  }

  private static AuditEvent.ObjectReference objectRef(Attributes a) {
    if (!a.isResourceRequest()) {
      return null;
    }
    return new AuditEvent.ObjectReference(
        a.resource(), a.namespace(), a.name(), "", a.apiGroup(), a.apiVersion(), "", a.subresource());
  }

  private static void put(Map<String, String> ann, String key, String value) {
    if (value != null && !value.isEmpty()) {
      ann.put(AuditEvent.ANNOTATION_PREFIX + key, value);
    }
  }

  private EventFactory() {}
}

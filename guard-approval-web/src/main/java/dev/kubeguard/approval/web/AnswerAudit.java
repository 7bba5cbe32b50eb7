package dev.kubeguard.approval.web;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.core.audit.AuditEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Records one audit event per answer given through the page or the API, accepted or refused, in
 * the shape guard-core gives every event ({@link AuditEvents}): verb {@code approve} on
 * {@code approvalrequests.kubeguard.dev} {@code <namespace>/<id>}, the answerer's proven user
 * ({@code system:anonymous} when the token proved no one), the HTTP status and message, and
 * {@code kubeguard.dev/} annotations {@code decision} ({@code allow} accepted, {@code deny}
 * refused), {@code rule} {@code approval-answer}, {@code approval-id}, {@code approvers} (the
 * answerer, when accepted), {@code answer} ({@code approve} / {@code deny}), {@code answer-outcome}
 * ({@code accepted} / {@code refused}), {@code answer-comment} and {@code answer-surface}. Never a
 * token.
 *
 * <p>Thread-safe when the recorder is. Failure: the recorder's {@link RecordingException} (or
 * anything else it throws) reaches the caller, which reports it.
 */
final class AnswerAudit {

  static final String RULE = "approval-answer";
  static final Identity ANONYMOUS = new Identity("system:anonymous", "", List.of("system:unauthenticated"), null, "");
  static final int MAX_COMMENT_CHARS = 1024;

  private final Recorder recorder;
  private final String namespace;
  private final Clock clock;

  AnswerAudit(Recorder recorder, String namespace, Clock clock) {
    this.recorder = recorder;
    this.namespace = namespace;
    this.clock = clock;
  }

  /** The facts of one answer. {@code who} is the proven answerer, or null when none was proven. */
  record Answer(Identity who, String approvalId, boolean approve, String comment, String surface, WebRequest request,
      Instant received) {}

  void record(Answer a, int status, String message, boolean accepted) throws RecordingException {
    Identity who = a.who() == null ? ANONYMOUS : a.who();
    Attributes about = new Attributes("approve", true, "kubeguard.dev", "v1alpha1", namespace, "approvalrequests", "",
        a.approvalId() == null ? "" : a.approvalId(), a.request().base() + a.request().path(), "", "");
    AccessRequest asked = AccessRequest.forAttributes(who, about, new CallContext("", "", "", a.received()));
    Decision decision = accepted ? Decision.allow(RULE, message) : Decision.deny(RULE, message);
    String comment = a.comment() == null ? "" : a.comment();
    AuditEvents.Builder event = AuditEvents.forRequest(asked, decision)
        .auditId(UUID.randomUUID().toString())
        .responseStatus(status, accepted ? "Success" : "Failure", reason(status), message)
        .approval(a.approvalId(), accepted ? List.of(who.user()) : List.of())
        .sourceIps(a.request().remoteAddress().isEmpty() ? List.of() : List.of(a.request().remoteAddress()))
        .userAgent(a.request().header("User-Agent"))
        .stageTimestamp(clock.instant())
        .annotate("answer", a.approve() ? "approve" : "deny")
        .annotate("answer-outcome", accepted ? "accepted" : "refused")
        .annotate("answer-surface", a.surface());
    if (!comment.isEmpty()) {
      event.annotate("answer-comment", comment.length() > MAX_COMMENT_CHARS ? comment.substring(0, MAX_COMMENT_CHARS) : comment);
    }
    AuditEvent built = event.build().orElseThrow(() -> new IllegalStateException("answer events are kept at level Metadata"));
    recorder.record(built);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "";
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      default -> "InternalError";
    };
  }
}

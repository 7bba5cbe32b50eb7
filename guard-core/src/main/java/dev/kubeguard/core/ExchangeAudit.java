package dev.kubeguard.core;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.core.audit.AuditEvents;
import dev.kubeguard.core.mask.RequestAuditMasking;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit choreography of an exchange: which {@code audit.k8s.io/v1} events a request produces
 * (RequestReceived before forwarding, ResponseStarted for an upgraded session, ResponseComplete
 * for a response, a denial, a failure or a session's end), each built from masked bodies only and
 * with the request target's query values masked ({@link RequestAuditMasking}).
 *
 * <p>Thread-safe (immutable; the recorder is). Every event goes to the recorder through the
 * Guard's {@link SpiCalls}, so no recorder holds a caller longer than the recorder timeout (the
 * built-in recorders, which bound themselves, are called on the caller's thread). Events
 * after forwarding never throw: the request already reached the server, so a recorder failure or
 * timeout is logged.
 */
final class ExchangeAudit {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeAudit.class);
  /** The recorder of a Guard built without one: keeps nothing, and never blocks. */
  static final Recorder NO_RECORDER = Recorder.noop();

  private final Recorder recorder;
  private final SpiCalls spi;
  private final Duration recorderTimeout;
  private final boolean recorderInline;
  private final RequestAuditMasking requestMasking;
  private final Clock clock;
  private final int auditBodyLimit;

  ExchangeAudit(Recorder recorder, SpiCalls spi, Duration recorderTimeout, Masker masker, Clock clock, int auditBodyLimit) {
    this.recorder = recorder;
    this.spi = spi;
    this.recorderTimeout = recorderTimeout;
    this.recorderInline = SpiCalls.boundsItself(recorder);
    this.requestMasking = new RequestAuditMasking(masker);
    this.clock = clock;
    this.auditBodyLimit = auditBodyLimit;
  }

  /**
   * Whether events go anywhere. A Guard built without a recorder skips building them: they would
   * be dropped anyway, and building one (masked URI, annotations, timestamps) is a good part of what an
   * allowed request costs on its first, still interpreted, calls.
   */
  boolean recording() {
    return recorder != NO_RECORDER;
  }

  /**
   * Records the normal end of an upgraded session (exec, attach, port-forward) that {@code v}
   * allowed at its handshake: a ResponseComplete event under the handshake's audit id, received at
   * {@code startedAt}, with the WebSocket close code and reason. Never throws for the recorder's
   * sake (logged instead: the session is already over).
   */
  void sessionEnded(Verdict v, Instant startedAt, int closeCode, String closeReason) {
    if (!recording() || !v.allowed() || v.obligations().auditLevel() == AuditLevel.NONE) {
      return;
    }
    recordAfterForwarding(v, "the end of a session", event(v, v.request(), startedAt)
        .responseStatus(101, "Success", "", "").approval(v.approvalId(), List.of())
        .annotate("session-close-code", Integer.toString(closeCode))
        .annotate("session-close-reason", closeReason == null ? "" : closeReason));
  }

  /**
   * Records the start of an upgraded session (exec, attach, port-forward) that {@code v} allowed:
   * a ResponseStarted event with the handshake's status, as kube-apiserver records long-running
   * requests. Never throws for the recorder's sake (logged: the session is already open).
   */
  void sessionStarted(Verdict v, Instant startedAt, int code) {
    if (!recording() || v.obligations().auditLevel() == AuditLevel.NONE) {
      return;
    }
    recordAfterForwarding(v, "the start of a session", event(v, v.request(), startedAt)
        .stage(AuditEvent.Stage.ResponseStarted)
        .responseStatus(code, code < 400 ? "Success" : "Failure", "", "").approval(v.approvalId(), List.of()));
  }

  /** Records that an allowed request failed before a response (connection error, timeout). */
  void failed(Verdict v, Throwable cause) {
    response(v, 0, null, 0, clock.instant(), "request failed: " + cause.getClass().getSimpleName());
  }

  void response(Verdict v, int code, String body, int masked, Instant received, String failure) {
    if (!recording() || v.obligations().auditLevel() == AuditLevel.NONE) {
      return;
    }
    AuditEvents.Builder e = event(v, v.request(), received).responseBody(body).maskedFields(masked)
        .approval(v.approvalId(), List.of());
    if (failure != null) {
      // The caller got no body from the server: a withheld body or a failed call is their 500.
      e.responseStatus(500, "Failure", "InternalError", failure);
    } else {
      e.responseStatus(code, code >= 400 ? "Failure" : "Success", "", "");
    }
    recordAfterForwarding(v, "a response", e);
  }

  // The request already reached the server: a recorder that fails now can only be logged.
  private void recordAfterForwarding(Verdict v, String what, AuditEvents.Builder e) {
    try {
      record(e);
    } catch (SpiCalls.Failure | RuntimeException ex) {
      LOG.warn("kubeguard: audit recorder failed to record {} (auditID {})", what, v.auditId(), ex);
    }
  }

  AuditEvents.Builder event(Verdict v, AccessRequest about, Instant received) {
    return AuditEvents.forRequest(withMaskedUri(v, about), v.decision()).auditId(v.auditId()).maxBodyBytes(auditBodyLimit)
        .requestReceived(received).stageTimestamp(clock.instant());
  }

  /**
   * Hands the event to the recorder, waiting at most the recorder timeout: a recorder that hangs
   * or throws anything (an {@link Error} included) is a {@link SpiCalls.Failure}, which the caller
   * turns into a denial before forwarding or a log line after.
   */
  void record(AuditEvents.Builder event) throws SpiCalls.Failure {
    Optional<AuditEvent> e = event.build();
    if (e.isPresent()) {
      AuditEvent built = e.get();
      spi.call("audit recorder", recorderTimeout, recorderInline, new RecordCall(recorder, built));
    }
  }

  // A named class rather than a lambda: no call site to link on the first request.
  private record RecordCall(Recorder recorder, AuditEvent event) implements SpiCalls.Call<Void> {
    @Override
    public Void call() throws Exception {
      recorder.record(event);
      return null;
    }
  }

  // Request bodies can carry secrets too (creating a Secret, patching one): record them only once
  // masked, as what they write, whatever the patch type.
  String maskedRequestBody(Verdict v) {
    KubeRequest http = v.request().request();
    if (http.bodyLength() == 0) {
      return null;
    }
    if (http.bodyLength() > auditBodyLimit) {
      return truncationMarker(http.bodyLength());
    }
    return requestMasking.body(v.request(), profileFor(v));
  }

  // The trail keeps the request target with its query values masked (?token=, exec commands).
  private AccessRequest withMaskedUri(Verdict v, AccessRequest about) {
    KubeRequest http = about.request();
    if (http == null || http.rawQuery().isEmpty()) {
      return about;
    }
    String uri = requestMasking.uri(about, profileFor(v));
    if (uri.equals(http.uri())) {
      return about;
    }
    KubeRequest recorded = new KubeRequest(http.method(), uri, http.headers(), null);
    return new AccessRequest(about.identity(), recorded, about.info(), about.attributes(), about.dryRun(), about.context());
  }

  // A request is masked for the trail even when its response is not: "none" means the default.
  private static String profileFor(Verdict v) {
    return v.maskingProfile().equals("none") ? "default" : v.maskingProfile();
  }

  static String truncationMarker(long size) {
    return "{\"" + AuditEvents.TRUNCATED + "\":" + size + "}";
  }
}

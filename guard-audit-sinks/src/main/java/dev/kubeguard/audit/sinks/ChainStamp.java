package dev.kubeguard.audit.sinks;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.ChainPosition;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.util.HashMap;
import java.util.Map;

/**
 * Copies an event with its place in the hash chain as annotations, so every copy a sink sends
 * names the replica, chain and line that vouch for it. The chain's own keys
 * ({@code kubeguard.dev/seq}, {@code hash}, ...) are not reused: those belong to the line as
 * written, and a sink's own spool writes its own. Stateless and thread-safe.
 */
final class ChainStamp {

  /** The event's {@code kubeguard.dev/seq} in the replica's chain. */
  static final String CHAIN_SEQ = "kubeguard.dev/chain-seq";
  /** The replica whose chain holds the event. */
  static final String REPLICA = "kubeguard.dev/replica";
  /** The chain's active file name. */
  static final String CHAIN = "kubeguard.dev/chain";

  private ChainStamp() {}

  /**
   * The event with its chain position, which {@code chain} must have handed out on this thread.
   *
   * @throws RecordingException when the chain has no position for this event: the sink was not
   *     composed after the chain ({@code Recorder.composite(chain, sink)}), so it would send an
   *     event the chain does not vouch for
   */
  static AuditEvent stamp(AuditEvent event, JsonlAuditRecorder chain, String sink) throws RecordingException {
    ChainPosition p =
        chain.positionOf(event).orElseThrow(() -> new RecordingException(
            sink + " has no chain position for audit event " + event.auditId() + ": compose it after the"
                + " JsonlAuditRecorder it was built with, Recorder.composite(chain, " + sink + "), so the chain"
                + " records each event first"));
    Map<String, String> annotations = new HashMap<>(event.annotations());
    annotations.put(CHAIN_SEQ, Long.toString(p.seq()));
    annotations.put(REPLICA, p.replicaId());
    annotations.put(CHAIN, p.chain());
    return withAnnotations(event, annotations);
  }

  static AuditEvent withAnnotations(AuditEvent e, Map<String, String> annotations) {
    return new AuditEvent(
        e.level(), e.auditId(), e.stage(), e.requestUri(), e.verb(), e.user(), e.impersonatedUser(), e.sourceIps(),
        e.userAgent(), e.objectRef(), e.responseStatus(), e.requestObject(), e.responseObject(),
        e.requestReceivedTimestamp(), e.stageTimestamp(), annotations);
  }
}

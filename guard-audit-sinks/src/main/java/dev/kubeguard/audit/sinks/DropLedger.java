package dev.kubeguard.audit.sinks;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts events a sink dropped because it was full, and turns pending drops into one audit event
 * saying how many and which chain seqs. Thread-safe: {@link #dropped} is called from recording
 * threads, {@link #take}/{@link #putBack} from the sink's own thread.
 */
final class DropLedger {

  private static final Logger LOG = LoggerFactory.getLogger(DropLedger.class);

  static final String DROPPED = "kubeguard.dev/sink-dropped";
  static final String DROPPED_SEQS = "kubeguard.dev/sink-dropped-chain-seqs";
  static final String SINK = "kubeguard.dev/sink";

  /** Drops not yet reported: how many, and the lowest and highest chain seq among them. */
  record Pending(long count, long firstSeq, long lastSeq) {}

  private final String sink;
  private final Clock clock;
  private final AtomicLong total = new AtomicLong();
  private long count;
  private long first = Long.MAX_VALUE;
  private long last;

  DropLedger(String sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /** Notes one dropped event at chain seq {@code seq}; returns the total dropped so far. */
  long dropped(long seq) {
    synchronized (this) {
      count++;
      first = Math.min(first, seq);
      last = Math.max(last, seq);
    }
    return total.incrementAndGet();
  }

  /** Every event dropped since the sink started. */
  long total() {
    return total.get();
  }

  /** The pending drops, now cleared, or null when there are none. */
  synchronized Pending take() {
    if (count == 0) {
      return null;
    }
    Pending p = new Pending(count, first, last);
    count = 0;
    first = Long.MAX_VALUE;
    last = 0;
    return p;
  }

  /** Puts drops back that could not be reported yet. */
  synchronized void putBack(Pending p) {
    count += p.count();
    first = Math.min(first, p.firstSeq());
    last = Math.max(last, p.lastSeq());
  }

  /** Hands a stamped drop report to the sink's stream. */
  interface Delivery {
    void deliver(AuditEvent stamped) throws RecordingException;
  }

  /**
   * Records pending drops as one event in {@code chain} and the sink's stream, once there is room;
   * otherwise (or on failure) keeps them pending for the next try. Called from the sink's thread.
   */
  void report(Slots slots, boolean closed, JsonlAuditRecorder chain, String name, Delivery delivery) {
    Pending p = take();
    if (p == null) {
      return;
    }
    if (closed || !slots.take()) {
      putBack(p);
      return;
    }
    AuditEvent report = event(p);
    try {
      chain.record(report);
      delivery.deliver(ChainStamp.stamp(report, chain, name));
    } catch (RecordingException | RuntimeException e) {
      slots.release(1);
      putBack(p);
      LOG.warn("{} could not record its drop report yet: {}", sink, e.getMessage());
    }
  }

  /** The audit event reporting {@code p}. */
  AuditEvent event(Pending p) {
    Instant now = clock.instant();
    return new AuditEvent(
        AuditLevel.METADATA, UUID.randomUUID().toString(), AuditEvent.Stage.ResponseComplete, "", "",
        Identity.of("system:kubeguard:audit-sink"), null, List.of(), "", null, null, null, null, now, now,
        Map.of(
            DROPPED, Long.toString(p.count()),
            DROPPED_SEQS, p.firstSeq() + "-" + p.lastSeq(),
            SINK, sink,
            "kubeguard.dev/reason",
            sink + " was full: " + p.count() + " event(s) left out of its stream; the hash-chained file holds them"));
  }
}

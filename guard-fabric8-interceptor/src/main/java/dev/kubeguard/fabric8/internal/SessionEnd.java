package dev.kubeguard.fabric8.internal;

import dev.kubeguard.core.Guard;
import dev.kubeguard.core.Verdict;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the end of one WebSocket session (exec, attach, port-forward) whose start the Guard
 * recorded at the handshake. It travels as a tag of a per-session {@code HttpClient}, so
 * {@link GuardInterceptor#before} hands it the handshake's verdict without any shared map, and the
 * session's listener (or its failed handshake) ends it.
 *
 * <p>Each verdict is ended exactly once: a normal close as a {@code 101} response, an error or a
 * failed handshake as a failure; a handshake fabric8 retries ends the superseded attempt as failed.
 * An error reported after the caller started closing counts as a normal close: backends may
 * report the connection torn down under the close handshake as an error.
 * A session never closed by anyone records no end (nothing is retained for it: this object goes
 * with its listener). Recording failures are logged, never thrown into fabric8's I/O threads.
 * <b>Threading:</b> thread-safe; called from the caller's thread and fabric8's I/O threads.
 */
final class SessionEnd {

  private static final Logger LOG = LoggerFactory.getLogger(SessionEnd.class);

  private final Guard guard;
  private final AtomicReference<Verdict> open = new AtomicReference<>();
  private volatile Instant startedAt = Instant.now();
  private final AtomicBoolean closing = new AtomicBoolean();

  SessionEnd(Guard guard) {
    this.guard = guard;
  }

  /** The handshake was allowed with {@code v} and is about to be sent. */
  void began(Verdict v) {
    startedAt = Instant.now();
    Verdict superseded = open.getAndSet(v);
    if (superseded != null) {
      fail(superseded, new IOException("WebSocket handshake attempt failed and was retried"));
    }
  }

  /** The session closed normally (either side sent a close frame). */
  void closed(int code, String reason) {
    Verdict v = open.getAndSet(null);
    if (v != null) {
      guard.recordSessionEnd(v, startedAt, code, reason);
    }
  }

  /** The caller started closing the session. */
  void closing() {
    closing.set(true);
  }

  /** The session, or its handshake, failed; after the caller started closing, it ended normally. */
  void failed(Throwable cause) {
    if (closing.get()) {
      closed(1000, "closed by the caller");
      return;
    }
    Verdict v = open.getAndSet(null);
    if (v != null) {
      fail(v, cause);
    }
  }

  private void fail(Verdict v, Throwable cause) {
    try {
      guard.recordFailure(v, cause == null ? new IOException("WebSocket session failed") : cause);
    } catch (RuntimeException e) {
      LOG.warn("kubeguard: the failure of WebSocket session {} could not be recorded: {}", v.auditId(), e.getMessage());
    }
  }
}

package dev.kubeguard.fabric8;

import dev.kubeguard.core.GuardedExchange;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports one WebSocket session (exec, attach, port-forward) to the exchange its handshake began:
 * the session's start when it opens, its end when it closes or fails. It travels as a tag of a
 * per-session {@code HttpClient}, so {@link GuardInterceptor#before} hands it the handshake's
 * exchange without any shared map, and the session's listener (or its failed handshake) ends it.
 *
 * <p>Each exchange is ended exactly once: a normal close through
 * {@link GuardedExchange#sessionEnded}, an error or a failed handshake through
 * {@link GuardedExchange#failed}; a handshake fabric8 retries fails the superseded attempt.
 * An error reported after the caller started closing counts as a normal close: backends may
 * report the connection torn down under the close handshake as an error.
 * A session never closed by anyone records no end (nothing is retained for it: this object goes
 * with its listener). Failures to report are logged, never thrown into fabric8's I/O threads.
 * <b>Threading:</b> thread-safe; called from the caller's thread and fabric8's I/O threads.
 */
final class SessionEnd {

  private static final Logger LOG = LoggerFactory.getLogger(SessionEnd.class);

  private final AtomicReference<GuardedExchange> open = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();

  /** The handshake was allowed as {@code exchange} and is about to be sent. */
  void began(GuardedExchange exchange) {
    GuardedExchange superseded = open.getAndSet(exchange);
    if (superseded != null) {
      fail(superseded, new IOException("WebSocket handshake attempt failed and was retried"));
    }
  }

  /** The server accepted the handshake (101): the session started. */
  void opened() {
    GuardedExchange x = open.get();
    if (x != null) {
      report(x, () -> x.respond(101, null, null, true, chunk -> {}));
    }
  }

  /** The session closed normally (either side sent a close frame). */
  void closed(int code, String reason) {
    GuardedExchange x = open.getAndSet(null);
    if (x != null) {
      report(x, () -> x.sessionEnded(code, reason));
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
    GuardedExchange x = open.getAndSet(null);
    if (x != null) {
      fail(x, cause);
    }
  }

  private void fail(GuardedExchange x, Throwable cause) {
    report(x, () -> x.failed(cause == null ? new IOException("WebSocket session failed") : cause));
  }

  private static void report(GuardedExchange x, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("kubeguard: WebSocket session {} could not be reported: {}", x.auditId(), e.getMessage());
    }
  }
}

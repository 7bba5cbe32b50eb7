package dev.kubeguard.api.spi;

import dev.kubeguard.api.AuditEvent;
import java.util.List;

/**
 * Keeps audit events.
 *
 * <p><b>Threading:</b> called concurrently from any thread. <b>Blocking:</b> {@link #record}
 * returns once the event is <em>accepted</em> (queued for a writer, or written, as the
 * implementation's durability setting says); it must not wait on slow I/O beyond that.
 * <b>Failure:</b> throws {@link RecordingException} when it cannot accept; the Guard treats
 * anything else thrown, and an event not accepted within its recorder timeout, the same way
 * (the Guard calls from its own threads so it can stop waiting). For the event recorded
 * before a request is forwarded, the Guard then denies the request (unless configured to forward
 * anyway); for events after forwarding (the response, a failure, a session's end) the request has
 * already reached the server, so the Guard logs the failure and the response is not withheld.
 */
public interface Recorder extends AutoCloseable {

  /** Accepts {@code event}; events arrive already masked. */
  void record(AuditEvent event) throws RecordingException;

  /** Flushes and releases resources; events accepted before are not lost. */
  @Override
  default void close() throws RecordingException {}

  /**
   * A recorder handing each event to {@code recorders} in order; an event is accepted only when
   * every one accepted it. The first failure is thrown at once and later recorders do not see the
   * event (put the durable, tamper-evident recorder first). Thread-safe when its recorders are;
   * {@code close()} closes all, in order, rethrowing the first failure with the others suppressed.
   *
   * @throws IllegalArgumentException when no recorder is given
   */
  static Recorder composite(Recorder... recorders) {
    return CompositeRecorder.of(List.of(recorders));
  }

  /** As {@link #composite(Recorder...)}, from a list. */
  static Recorder composite(List<? extends Recorder> recorders) {
    return CompositeRecorder.of(recorders);
  }

  /** A recorder that keeps nothing (tests, dry runs): every event is accepted and dropped. */
  static Recorder noop() {
    return event -> {};
  }
}

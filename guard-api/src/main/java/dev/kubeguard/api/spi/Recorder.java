package dev.kubeguard.api.spi;

import dev.kubeguard.api.AuditEvent;

/**
 * Keeps audit events.
 *
 * <p><b>Threading:</b> called concurrently from any thread. <b>Blocking:</b> {@link #record}
 * returns once the event is <em>accepted</em> (queued for a writer, or written, as the
 * implementation's durability setting says); it must not wait on slow I/O beyond that.
 * <b>Failure:</b> throws {@link RecordingException} when it cannot accept; by default the Guard
 * then denies the request (or withholds the response) rather than act unrecorded.
 */
public interface Recorder extends AutoCloseable {

  /** Accepts {@code event}; events arrive already masked. */
  void record(AuditEvent event) throws RecordingException;

  /** Flushes and releases resources; events accepted before are not lost. */
  @Override
  default void close() throws RecordingException {}
}

package dev.kubeguard.api.spi;

import java.nio.ByteBuffer;

/**
 * One response body being masked: chunks in through {@link #write}, masked chunks out to the
 * {@link ChunkSink} given at {@link Masker#open}, then {@link #finish}.
 *
 * <p><b>Threading:</b> not thread-safe; one body, one caller at a time (calls may come from
 * different threads in sequence). <b>Blocking:</b> the stream itself only computes; {@link #write}
 * and {@link #finish} block only while its {@link ChunkSink} does, which the adapter bounds (a
 * caller reading slowly, an HTTP client applying backpressure). <b>Memory:</b> bounded per stream whatever the body size: an
 * implementation holds back at most what it needs to decide (a value split across chunks), never
 * the whole body. <b>Failure:</b> after a {@link MaskingException} the stream is dead and the
 * adapter must withhold the rest of the body; bytes already emitted were safe to emit.
 */
public interface MaskingStream {

  /**
   * Consumes all remaining bytes of {@code chunk}, emitting what is safe to emit so far. The chunk
   * is valid only during the call: adapters reuse its array for the next read, so a stream copies
   * what it must keep.
   */
  void write(ByteBuffer chunk) throws MaskingException;

  /** Ends the body: emits what was held back, or fails if the body ended mid-value. */
  void finish() throws MaskingException;

  /** How many values this stream has masked so far (for the audit event). */
  int maskedCount();
}

package dev.kubeguard.core;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.internal.Faults;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The stream an adapter writes a response body into, from {@link Guard#openResponse}: masks
 * through the verdict's profile, keeps a capped copy of the masked bytes for the audit event, and
 * records completion ({@link #finish}), failure (a {@link MaskingException}) or an early end
 * ({@link #abort}) exactly once. Whatever the masker throws, bar a JVM-fatal error, surfaces as
 * a {@link MaskingException}. Not thread-safe (one body, one writer at a time), like any
 * {@link MaskingStream}.
 */
public final class ResponseStream implements MaskingStream {

  /** Receives the end of the body: the masked capture (or null) and the masked count, or a failure. */
  interface Completion {
    /** {@code maskedCapture} is null when not capturing; {@code totalBytes} counts every masked byte emitted. */
    void completed(byte[] maskedCapture, long totalBytes, int maskedCount);

    void failed(String why);
  }

  private final MaskingStream inner;
  private final Capture capture;
  private final Completion completion;
  private boolean done;

  private ResponseStream(MaskingStream inner, Capture capture, Completion completion) {
    this.inner = inner;
    this.capture = capture;
    this.completion = completion;
  }

  /**
   * Opens {@code opener} over a sink that captures up to {@code captureLimit} masked bytes
   * (none when negative) before passing them to {@code downstream}.
   */
  static ResponseStream open(Opener opener, ChunkSink downstream, int captureLimit, Completion completion)
      throws MaskingException {
    Capture capture = captureLimit < 0 ? null : new Capture(captureLimit);
    ChunkSink sink = capture == null ? downstream : new CapturingSink(capture, downstream);
    try {
      return new ResponseStream(opener.open(sink), capture, completion);
    } catch (Throwable e) {
      // A masker failing in any way (an AssertionError too) means a body nobody vouches for.
      Faults.rethrowIfFatal(e);
      completion.failed(Faults.why(e));
      throw e instanceof MaskingException me ? me : new MaskingException("masker failed to open", e);
    }
  }

  /** Opens the underlying masking stream over a sink. */
  @FunctionalInterface
  interface Opener {
    MaskingStream open(ChunkSink sink) throws MaskingException;
  }

  @Override
  public void write(ByteBuffer chunk) throws MaskingException {
    if (done) {
      throw new MaskingException("response stream already ended");
    }
    try {
      inner.write(chunk);
    } catch (Throwable e) {
      fail(e);
    }
  }

  @Override
  public void finish() throws MaskingException {
    if (done) {
      return;
    }
    try {
      inner.finish();
    } catch (Throwable e) {
      fail(e);
    }
    done = true;
    completion.completed(capture == null ? null : capture.bytes(), capture == null ? 0 : capture.total, inner.maskedCount());
  }

  /** Ends the body early (client gave up, connection lost): recorded as a failure. */
  public void abort(String why) {
    if (!done) {
      done = true;
      completion.failed(why);
    }
  }

  @Override
  public int maskedCount() {
    return inner.maskedCount();
  }

  // Any failure of the masking stream but a JVM-fatal one ends the body as a MaskingException,
  // so the adapter withholds the rest exactly as for a body the masker could not parse.
  private void fail(Throwable e) throws MaskingException {
    Faults.rethrowIfFatal(e);
    done = true;
    completion.failed("masking failed: " + Faults.why(e));
    throw e instanceof MaskingException me ? me : new MaskingException("masking failed", e);
  }

  /** A stream for a response that has no body to write (an upgraded connection): already done. */
  static ResponseStream finished() {
    MaskingStream none = new MaskingStream() {
      @Override
      public void write(ByteBuffer chunk) {}

      @Override
      public void finish() {}

      @Override
      public int maskedCount() {
        return 0;
      }
    };
    ResponseStream s = new ResponseStream(none, null, new Completion() {
      @Override
      public void completed(byte[] capture, long total, int masked) {}

      @Override
      public void failed(String why) {}
    });
    s.done = true;
    return s;
  }

  // Keeps the capped copy, then passes the chunk on. A class, not a lambda: nothing to link on
  // the first response.
  private record CapturingSink(Capture capture, ChunkSink downstream) implements ChunkSink {
    @Override
    public void accept(ByteBuffer chunk) throws IOException {
      capture.take(chunk.duplicate());
      downstream.accept(chunk);
    }
  }

  private static final class Capture {
    final int limit;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    long total;

    Capture(int limit) {
      this.limit = limit;
    }

    void take(ByteBuffer b) {
      total += b.remaining();
      int n = Math.min(limit - out.size(), b.remaining());
      if (n > 0) {
        byte[] bytes = new byte[n];
        b.get(bytes);
        out.write(bytes, 0, n);
      }
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

}

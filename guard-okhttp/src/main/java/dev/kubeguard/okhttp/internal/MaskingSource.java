package dev.kubeguard.okhttp.internal;

import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.ResponseStream;
import dev.kubeguard.core.internal.SharedSlots;
import java.io.IOException;
import java.nio.ByteBuffer;
import okio.Buffer;
import okio.BufferedSource;
import okio.Source;
import okio.Timeout;

/**
 * Pulls the upstream body chunk by chunk through a {@link MaskingStream} and hands the caller
 * only what the masker emitted. Memory stays bounded by one chunk plus what the masker holds back,
 * whatever the body's size (an endless watch included).
 *
 * <p>Failure: a masking failure closes the upstream and fails this and every later read with the
 * {@link MaskingException}, after only masked bytes were delivered; an upstream failure or a close
 * before the end is recorded as a failed response. Not thread-safe (one reader).
 */
final class MaskingSource implements Source {
  private static final int CHUNK = 8192;
  // Each read fills a spare chunk and the masker has consumed it before the read returns
  // (MaskingStream#write), so a few arrays serve every response; shared by all threads, as a
  // caller may make each request on a thread of its own.
  private static final SharedSlots<byte[]> CHUNKS = new SharedSlots<>(8);

  private final BufferedSource upstream;
  private final ResponseStream stream;
  private final Buffer masked;
  private boolean ended;
  private IOException failure;
  private boolean closed;

  /** {@code masked} is the buffer the stream's sink writes into. */
  MaskingSource(BufferedSource upstream, ResponseStream stream, Buffer masked) {
    this.upstream = upstream;
    this.stream = stream;
    this.masked = masked;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (failure != null) {
      throw failure;
    }
    while (masked.size() == 0 && !ended) {
      byte[] spare = CHUNKS.take();
      byte[] chunk = spare != null ? spare : new byte[CHUNK];
      int n;
      try {
        n = upstream.read(chunk);
      } catch (IOException e) {
        // Remembered, so a later read cannot mistake the truncated body for a complete one.
        failure = e;
        abort("response body failed: " + e.getClass().getSimpleName());
        throw e;
      }
      try {
        if (n < 0) {
          ended = true;
          stream.finish();
        } else {
          stream.write(ByteBuffer.wrap(chunk, 0, n));
        }
        CHUNKS.give(chunk);
      } catch (MaskingException e) {
        masked.clear();
        MaskingException withheld = new MaskingException("kubeguard: response body withheld: " + e.getMessage(), e);
        failure = withheld;
        ended = true;
        closeQuietly();
        throw withheld;
      }
    }
    if (masked.size() == 0) {
      return -1;
    }
    return masked.read(sink, Math.min(byteCount, masked.size()));
  }

  @Override
  public Timeout timeout() {
    return upstream.timeout();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!ended) {
      abort("response body closed by the caller before its end");
    }
    masked.clear();
    upstream.close();
  }

  private void abort(String why) {
    ended = true;
    stream.abort(why);
  }

  private void closeQuietly() {
    try {
      upstream.close();
    } catch (IOException ignored) {
      // Already failing with the masking error, which says more.
    }
  }
}

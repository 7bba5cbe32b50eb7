package dev.kubeguard.testkit;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test {@link Masker} that replaces every occurrence of {@link #MARKER} with asterisks of the
 * same length, streaming with a carry so a marker split across chunks is still caught. It lets the
 * conformance suite see that an adapter routes a body through the masker chunk by chunk, without
 * depending on the real masker. Like the real one it refuses bodies it cannot read (anything but
 * JSON and plain text), so adapters must withhold those.
 *
 * <p>Thread-safe: {@link #open} may be called concurrently; counters are atomic.
 */
public final class MarkerMasker implements Masker {

  /** The string masked wherever it appears (a prefix of the fixtures' planted password). */
  public static final String MARKER = "S3cr3t";

  /** What {@link #MARKER} becomes. */
  public static final String REPLACEMENT = "*".repeat(MARKER.length());

  private static final byte[] MARK = MARKER.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MASK = REPLACEMENT.getBytes(StandardCharsets.US_ASCII);

  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicLong chunks = new AtomicLong();
  private final AtomicLong bytesIn = new AtomicLong();

  /** How many bodies were opened. */
  public int opened() {
    return opened.get();
  }

  /** How many chunks all streams received through {@code write}. */
  public long chunks() {
    return chunks.get();
  }

  /** How many bytes all streams received. */
  public long bytesIn() {
    return bytesIn.get();
  }

  @Override
  public MaskingStream open(MaskingContext context, ChunkSink downstream) throws MaskingException {
    String type = context.contentType().toLowerCase(Locale.ROOT);
    if (!(type.startsWith("application/json") || type.startsWith("text/plain"))) {
      throw new MaskingException("test masker cannot read content type '" + context.contentType() + "'");
    }
    opened.incrementAndGet();
    return new Stream(downstream);
  }

  private final class Stream implements MaskingStream {
    private final ChunkSink downstream;
    // Bytes held back because they could be the start of a marker split across chunks.
    private byte[] carry = new byte[0];
    private int masked;

    Stream(ChunkSink downstream) {
      this.downstream = downstream;
    }

    @Override
    public void write(ByteBuffer chunk) throws MaskingException {
      chunks.incrementAndGet();
      bytesIn.addAndGet(chunk.remaining());
      byte[] data = new byte[carry.length + chunk.remaining()];
      System.arraycopy(carry, 0, data, 0, carry.length);
      chunk.get(data, carry.length, chunk.remaining());
      int safe = Math.max(0, data.length - (MARK.length - 1));
      int i = 0;
      while (i <= data.length - MARK.length) {
        if (matchesAt(data, i)) {
          System.arraycopy(MASK, 0, data, i, MASK.length);
          masked++;
          i += MARK.length;
          safe = Math.max(safe, i);
        } else {
          i++;
        }
      }
      emit(data, 0, Math.min(safe, data.length));
      carry = Arrays.copyOfRange(data, Math.min(safe, data.length), data.length);
    }

    @Override
    public void finish() throws MaskingException {
      emit(carry, 0, carry.length);
      carry = new byte[0];
    }

    @Override
    public int maskedCount() {
      return masked;
    }

    private void emit(byte[] b, int from, int to) throws MaskingException {
      if (to <= from) {
        return;
      }
      try {
        downstream.accept(ByteBuffer.wrap(b, from, to - from));
      } catch (MaskingException e) {
        throw e;
      } catch (IOException e) {
        throw new MaskingException("downstream failed", e);
      }
    }
  }

  private static boolean matchesAt(byte[] data, int at) {
    for (int j = 0; j < MARK.length; j++) {
      if (data[at + j] != MARK[j]) {
        return false;
      }
    }
    return true;
  }
}

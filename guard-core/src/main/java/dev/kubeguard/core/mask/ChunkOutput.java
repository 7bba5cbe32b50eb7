package dev.kubeguard.core.mask;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable output buffer between a writer (log lines, {@link Splice}) and a
 * {@link ChunkSink}: bytes collect here and go downstream on {@link #emit()}. Capacity grows only
 * to the largest single emit, which the streams keep near {@link #FLUSH_AT}. Not thread-safe.
 */
final class ChunkOutput extends OutputStream {

  /** Emit once this much is waiting, so output memory stays bounded whatever the input chunk. */
  static final int FLUSH_AT = 64 * 1024;

  private static final byte[] EMPTY = new byte[0];
  private static final int MIN_SPARE = 1024;

  private ChunkSink sink;
  private final SpareBuffers<byte[]> spare; // null: not from spares
  private byte[] buf;
  private int count;

  /**
   * Starts empty: most output goes downstream straight from the input window, and this buffer is
   * needed only where something was rewritten. It comes from the thread's {@link
   * SpareBuffers#STREAMS} and goes back on {@link #release()}.
   */
  ChunkOutput(ChunkSink sink) {
    this(sink, SpareBuffers.STREAMS);
  }

  /** Like {@link #ChunkOutput(ChunkSink)} with spares from {@code pool}; {@code sink} may be null for output read back. */
  ChunkOutput(ChunkSink sink, SpareBuffers<byte[]> pool) {
    this.sink = sink;
    this.spare = pool;
    this.buf = EMPTY;
  }

  /** {@code sink} may be null for output read back with {@link #toByteArray()}. */
  ChunkOutput(ChunkSink sink, int initialCapacity) {
    this.sink = sink;
    this.spare = null;
    this.buf = new byte[initialCapacity];
  }

  /**
   * Points this output, released and empty, at another body's sink; {@code null} when it is put
   * away, so a kept output holds on to no adapter.
   */
  void aim(ChunkSink next) {
    sink = next;
  }

  @Override
  public void write(int b) {
    reserve(1);
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    reserve(len);
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  int size() {
    return count;
  }

  /** How many bytes fit before the buffer must grow. */
  int free() {
    return buf.length - count;
  }

  /**
   * Room for {@code n} more bytes: the buffer to write into from {@link #size()}, after which
   * the writer calls {@link #size(int)}. Lets {@link CompactJsonWriter} encode in place.
   */
  byte[] room(int n) {
    reserve(n);
    return buf;
  }

  void size(int newCount) {
    count = newCount;
  }

  /** Replaces the bytes [{@code from}, {@code to}) already written with {@code b}. */
  void replace(int from, int to, byte[] b) {
    int delta = b.length - (to - from);
    if (delta > 0) {
      reserve(delta);
    }
    System.arraycopy(buf, to, buf, to + delta, count - to);
    System.arraycopy(b, 0, buf, from, b.length);
    count += delta;
  }

  /** What is waiting, decoded. */
  String utf8() {
    return new String(buf, 0, count, StandardCharsets.UTF_8);
  }

  /** A copy of what is waiting: for output that never goes to the sink. */
  byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  /** Hands what is waiting, then {@code len} bytes of {@code b} (not copied), to the sink. */
  void emit(byte[] b, int off, int len) throws MaskingException {
    emit();
    try {
      sink.accept(ByteBuffer.wrap(b, off, len));
    } catch (MaskingException e) {
      throw e;
    } catch (IOException e) {
      throw new MaskingException("downstream refused masked bytes: " + e.getMessage(), e);
    }
  }

  /** Hands what is waiting to the sink. */
  void emit() throws MaskingException {
    if (count == 0) {
      return;
    }
    try {
      sink.accept(ByteBuffer.wrap(buf, 0, count));
    } catch (MaskingException e) {
      throw e;
    } catch (IOException e) {
      throw new MaskingException("downstream refused masked bytes: " + e.getMessage(), e);
    } finally {
      count = 0;
    }
  }

  /** Makes room for {@code n} more bytes at once. */
  void reserve(int n) {
    if (count + n > buf.length) {
      // past the flush size only a held value or one long token grows it: by half, so the
      // usual overshoot of a flush stays within what SpareBuffers keeps
      int capacity = Math.max(buf.length >= FLUSH_AT ? buf.length + buf.length / 2 : buf.length * 2, count + n);
      if (spare != null) {
        // at least what the spares keep: a smaller array would come anew every time
        byte[] bigger = spare.take(Math.max(capacity, MIN_SPARE));
        System.arraycopy(buf, 0, bigger, 0, count);
        spare.give(buf);
        buf = bigger;
      } else {
        buf = Arrays.copyOf(buf, capacity);
      }
    }
  }

  /** Gives a spare buffer back to the thread's spares; what was waiting is dropped. */
  void release() {
    if (spare != null) {
      spare.give(buf);
      buf = EMPTY;
      count = 0;
    }
  }
}

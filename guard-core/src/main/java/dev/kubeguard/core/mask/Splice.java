package dev.kubeguard.core.mask;

import dev.kubeguard.api.spi.MaskingException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The input bytes not yet passed on, and the output they go to: unchanged input is copied
 * verbatim, and only the spans the engine masks are replaced, so whatever is not masked keeps its
 * exact bytes (whitespace, key order, number spelling, escapes, framing). Offsets are absolute
 * positions in the input, as the parser reports them. Not thread-safe.
 */
final class Splice {

  private static final byte[] EMPTY = new byte[0];

  private byte[] in;
  private final boolean spare;
  private long base;
  private int len;
  private long copied;
  private int edits;
  final ChunkOutput out;

  /**
   * An empty window that input chunks are appended to (a streamed body). It is sized by the
   * first chunk, so a small response does not pay for a large window, and taken from the
   * thread's {@link SpareBuffers}; {@link #release()} gives it back.
   */
  Splice(ChunkOutput out) {
    this.in = EMPTY;
    this.spare = true;
    this.out = out;
  }

  /** A window over {@code whole[0, n)} (a value parsed on its own). */
  Splice(byte[] whole, int n, ChunkOutput out) {
    this.in = whole;
    this.spare = false;
    this.len = n;
    this.out = out;
  }

  /** Re-aims a splice made over a whole value at {@code whole[0, n)}, as if new. */
  void over(byte[] whole, int n) {
    if (spare) {
      throw new IllegalStateException("a streamed window is not re-aimed");
    }
    in = whole;
    base = 0;
    len = n;
    copied = 0;
    edits = 0;
  }

  /** Appends what remains of {@code chunk}. */
  void append(ByteBuffer chunk) {
    int n = chunk.remaining();
    if (len + n > in.length) {
      // the first chunk sizes the window exactly (most bodies are one chunk); a second one, with
      // the unfinished token before it, doubles it once, and only a held value grows it further
      grow(Math.max(in.length * 2, len + n));
    }
    chunk.get(in, len, n);
    len += n;
  }

  private void grow(int capacity) {
    if (!spare) {
      in = Arrays.copyOf(in, capacity);
      return;
    }
    byte[] bigger = SpareBuffers.STREAMS.take(capacity);
    System.arraycopy(in, 0, bigger, 0, len);
    SpareBuffers.STREAMS.give(in);
    in = bigger;
  }

  /** Gives the window and the output buffer back to the thread's spares; the splice is done. */
  void release() {
    if (spare) {
      SpareBuffers.STREAMS.give(in);
      in = EMPTY;
      len = 0;
    }
    out.release();
  }

  /** A streamed window, {@link #release() released}, as if new: for the next body. */
  void restart() {
    if (!spare) {
      throw new IllegalStateException("only a streamed window is restarted");
    }
    in = EMPTY;
    base = 0;
    len = 0;
    copied = 0;
    edits = 0;
  }

  byte[] array() {
    return in;
  }

  /** The absolute offset of {@link #array()}'s first byte. */
  long base() {
    return base;
  }

  /** How many input bytes {@link #array()} holds, from {@link #base()} on. */
  int length() {
    return len;
  }

  /** The absolute offset just past the last input byte held. */
  long end() {
    return base + len;
  }

  long copied() {
    return copied;
  }

  /** How many spans were replaced: zero means the output is the input. */
  int edits() {
    return edits;
  }

  /** The first offset at or after {@code from} that is not whitespace, ',' or ':'. */
  long valueStart(long from) {
    long i = Math.max(from, base);
    long end = base + len;
    while (i < end) {
      byte b = in[(int) (i - base)];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t' && b != ',' && b != ':') {
        break;
      }
      i++;
    }
    return i;
  }

  /** Copies the input up to {@code abs} (exclusive) to the output. */
  void copyTo(long abs) {
    if (abs > copied) {
      if (out.size() == 0) {
        // the first rewrite since the last emit: what follows will mostly be copied from the
        // window too, so room for it once instead of doubling up to it
        out.reserve((int) Math.min(end() - copied, ChunkOutput.FLUSH_AT) + 256);
      }
      out.write(in, (int) (copied - base), (int) (abs - copied));
      copied = abs;
    }
  }

  /** Writes {@code b} in place of the input span [{@code start}, {@code end}). */
  void replace(long start, long end, byte[] b, int off, int n) {
    copyTo(start);
    out.write(b, off, n);
    copied = end;
    edits++;
  }

  /**
   * Marks the input up to {@code end} as replaced by what was just written to {@link #out} after
   * a {@link #copyTo} of the span's start: {@link #replace} for a writer that encodes in place.
   */
  void replacedTo(long end) {
    copied = end;
    edits++;
  }

  /** A copy of the input span [{@code start}, {@code end}). */
  byte[] slice(long start, long end) {
    int from = (int) (start - base);
    return Arrays.copyOfRange(in, from, from + (int) (end - start));
  }

  /**
   * Sends the output waiting and the input up to {@code abs} downstream. When nothing is waiting
   * the input goes straight from the window, without a copy.
   */
  void emitTo(long abs) throws MaskingException {
    if (out.size() == 0 && abs > copied) {
      out.emit(in, (int) (copied - base), (int) (abs - copied));
      copied = abs;
      return;
    }
    copyTo(abs);
    out.emit();
  }

  /** Drops input before {@code keepFrom} that has been copied, so the window stays small. */
  void compact(long keepFrom) {
    long from = Math.min(copied, keepFrom);
    int drop = (int) (from - base);
    if (drop <= 0) {
      return;
    }
    System.arraycopy(in, drop, in, 0, len - drop);
    len -= drop;
    base = from;
  }
}

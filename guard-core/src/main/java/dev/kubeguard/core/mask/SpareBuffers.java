package dev.kubeguard.core.mask;

import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * A thread's spare arrays, so a small response does not allocate its buffers anew (they were
 * most of the bytes a small request cost). Two pools of bytes, so the small arrays of one kind
 * never take the slots, or the large arrays, the other needs: {@link #STREAMS} for a body's input window and
 * output buffer, {@link #PARTS} for JSON held in a string (its UTF-8 bytes and its masked output).
 * A stream takes what it needs and gives it back when it ends; one that is abandoned simply
 * leaves its arrays to the garbage collector. Each pool keeps at most {@link #slots} arrays of at
 * most {@link #maxKept} bytes per thread: 2 of 128 KB for streams (the output flushes at 64 KB
 * and grows by half past it), 2 of 64 KB for parts, so a thread keeps at most 384 KB. The masking
 * engine's frame stacks and the scanner's text buffers are pools of their own.
 *
 * <p>An array given back still holds the bytes it served, as Jackson's own buffer recycler does;
 * it is handed only to the next taker on the same thread, which writes before it reads, and every
 * sink gets a view of the bytes written ({@link dev.kubeguard.api.spi.ChunkSink} says the buffer
 * is valid only during the call). Thread-confined: each thread has its own spares.
 */
final class SpareBuffers<A> {

  static final SpareBuffers<byte[]> STREAMS = bytes(2, 128 * 1024);
  static final SpareBuffers<byte[]> PARTS = bytes(2, 64 * 1024);

  // smaller byte arrays cost less to make than to keep track of
  private static final int MIN_KEPT_BYTES = 512;

  final int slots;
  final int maxKept;
  private final int minKept;
  private final IntFunction<A> make;
  private final ToIntFunction<A> length;
  private final ThreadLocal<Object[]> spare;

  /**
   * A pool of arrays made by {@code make} and measured by {@code length}: at most {@code slots}
   * per thread, each of {@code minKept} to {@code maxKept} elements.
   */
  SpareBuffers(int slots, int minKept, int maxKept, IntFunction<A> make, ToIntFunction<A> length) {
    this.slots = slots;
    this.minKept = minKept;
    this.maxKept = maxKept;
    this.make = make;
    this.length = length;
    this.spare = ThreadLocal.withInitial(() -> new Object[slots]);
  }

  private static SpareBuffers<byte[]> bytes(int slots, int maxKept) {
    return new SpareBuffers<>(slots, MIN_KEPT_BYTES, maxKept, byte[]::new, b -> b.length);
  }

  /** An array of at least {@code min} elements: a spare of this thread if one is large enough. */
  @SuppressWarnings("unchecked")
  A take(int min) {
    Object[] kept = spare.get();
    for (int i = 0; i < slots; i++) {
      A a = (A) kept[i];
      if (a != null && length.applyAsInt(a) >= min) {
        kept[i] = null;
        return a;
      }
    }
    return make.apply(min);
  }

  /** Keeps {@code a} for this thread's next taker, in place of a smaller spare; the caller drops it. */
  @SuppressWarnings("unchecked")
  void give(A a) {
    int n = length.applyAsInt(a);
    if (n < minKept || n > maxKept) {
      return;
    }
    Object[] kept = spare.get();
    int smallest = 0;
    for (int i = 0; i < slots; i++) {
      if (kept[i] == null) {
        kept[i] = a;
        return;
      }
      if (length.applyAsInt((A) kept[i]) < length.applyAsInt((A) kept[smallest])) {
        smallest = i;
      }
    }
    if (length.applyAsInt((A) kept[smallest]) < n) {
      kept[smallest] = a;
    }
  }
}

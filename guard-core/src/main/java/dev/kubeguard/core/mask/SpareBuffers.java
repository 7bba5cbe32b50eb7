package dev.kubeguard.core.mask;

import dev.kubeguard.core.internal.SharedSlots;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Spare arrays, so a small response does not allocate its buffers anew (they were most of the
 * bytes a small request cost). Two pools of bytes, so the small arrays of one kind never take the
 * slots, or the large arrays, the other needs: {@link #STREAMS} for a body's input window and
 * output buffer, {@link #PARTS} for JSON held in a string (its UTF-8 bytes and its masked output).
 * A stream takes what it needs and gives it back when it ends; one that is abandoned simply
 * leaves its arrays to the garbage collector. Each pool keeps at most {@link #slots} arrays of at
 * most {@link #maxKept} elements for the whole process, not per thread: a client that runs each
 * request on a new thread would otherwise make them all anew every time (see {@link SharedSlots}).
 * {@link #STREAMS} keeps 8 of 128 KB (the output flushes at 64 KB and grows by half past it),
 * {@link #PARTS} 8 of 64 KB, so at most 1.5 MB. The masking engine's frame stacks and the
 * scanner's text buffers are pools of their own.
 *
 * <p>An array given back still holds the bytes it served, as Jackson's own buffer recycler does;
 * its next taker writes before it reads, and every sink gets a view of the bytes written ({@link
 * dev.kubeguard.api.spi.ChunkSink} says the buffer is valid only during the call). Thread-safe and
 * lock-free; an array is held by one taker at a time.
 */
final class SpareBuffers<A> {

  static final SpareBuffers<byte[]> STREAMS = bytes(8, 128 * 1024);
  static final SpareBuffers<byte[]> PARTS = bytes(8, 64 * 1024);

  // smaller byte arrays cost less to make than to keep track of
  private static final int MIN_KEPT_BYTES = 512;

  final int slots;
  final int maxKept;
  private final int minKept;
  private final IntFunction<A> make;
  private final ToIntFunction<A> length;
  private final SharedSlots<A> spare;

  /**
   * A pool of arrays made by {@code make} and measured by {@code length}: at most {@code slots},
   * each of {@code minKept} to {@code maxKept} elements.
   */
  SpareBuffers(int slots, int minKept, int maxKept, IntFunction<A> make, ToIntFunction<A> length) {
    this.slots = slots;
    this.minKept = minKept;
    this.maxKept = maxKept;
    this.make = make;
    this.length = length;
    this.spare = new SharedSlots<>(slots);
  }

  private static SpareBuffers<byte[]> bytes(int slots, int maxKept) {
    return new SpareBuffers<>(slots, MIN_KEPT_BYTES, maxKept, byte[]::new, b -> b.length);
  }

  /** An array of at least {@code min} elements: a spare if one is large enough, else a new one. */
  A take(int min) {
    A a = spare.take(length, min);
    return a != null ? a : make.apply(min);
  }

  /** Keeps {@code a} for the next taker, in place of a smaller spare when all slots are full; the caller drops it. */
  void give(A a) {
    int n = length.applyAsInt(a);
    if (n >= minKept && n <= maxKept) {
      spare.give(a, length);
    }
  }
}

package dev.kubeguard.core.mask;

/**
 * A thread's spare byte arrays, so a small response does not allocate its buffers anew (they were
 * most of the bytes a small request cost). Two pools, so the small arrays of one kind never take
 * the slots, or the large arrays, the other needs: {@link #STREAMS} for a body's input window and
 * output buffer, {@link #PARTS} for JSON held in a string (its UTF-8 bytes and its masked output).
 * A stream takes what it needs and gives it back when it ends; one that is abandoned simply
 * leaves its arrays to the garbage collector. Each pool keeps at most {@link #slots} arrays of at
 * most {@link #maxKept} bytes per thread: 2 of 128 KB for streams (the output flushes at 64 KB
 * and grows by half past it), 2 of 64 KB for parts, so a thread keeps at most 384 KB.
 *
 * <p>An array given back still holds the bytes it served, as Jackson's own buffer recycler does;
 * it is handed only to the next taker on the same thread, which writes before it reads, and every
 * sink gets a view of the bytes written ({@link dev.kubeguard.api.spi.ChunkSink} says the buffer
 * is valid only during the call). Thread-confined: each thread has its own spares.
 */
final class SpareBuffers {

  static final SpareBuffers STREAMS = new SpareBuffers(2, 128 * 1024);
  static final SpareBuffers PARTS = new SpareBuffers(2, 64 * 1024);

  private static final int MIN_KEPT = 512;

  final int slots;
  final int maxKept;
  private final ThreadLocal<byte[][]> spare;

  private SpareBuffers(int slots, int maxKept) {
    this.slots = slots;
    this.maxKept = maxKept;
    this.spare = ThreadLocal.withInitial(() -> new byte[slots][]);
  }

  /** An array of at least {@code min} bytes: a spare of this thread if one is large enough. */
  byte[] take(int min) {
    byte[][] kept = spare.get();
    for (int i = 0; i < slots; i++) {
      byte[] b = kept[i];
      if (b != null && b.length >= min) {
        kept[i] = null;
        return b;
      }
    }
    return new byte[min];
  }

  /** Keeps {@code b} for this thread's next taker, in place of a smaller spare; the caller drops it. */
  void give(byte[] b) {
    if (b.length < MIN_KEPT || b.length > maxKept) {
      return;
    }
    byte[][] kept = spare.get();
    int smallest = 0;
    for (int i = 0; i < slots; i++) {
      if (kept[i] == null) {
        kept[i] = b;
        return;
      }
      if (kept[i].length < kept[smallest].length) {
        smallest = i;
      }
    }
    if (kept[smallest].length < b.length) {
      kept[smallest] = b;
    }
  }
}

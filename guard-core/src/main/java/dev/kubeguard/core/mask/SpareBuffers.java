package dev.kubeguard.core.mask;

/**
 * A thread's spare byte arrays for the masking streams' input window and output buffer, and for
 * JSON held in a string (its bytes and its masked output), so a small response does not allocate
 * them anew (they were most of the bytes a small request cost). A stream takes what it needs and
 * gives it back when it ends; one that is abandoned simply leaves its arrays to the garbage
 * collector. At most {@link #SLOTS} arrays of at most {@link #MAX_KEPT} bytes, and at most
 * {@link #MAX_TOTAL} bytes in all, stay per thread (the output flushes at 64 KB and grows by
 * half past it).
 *
 * <p>An array given back still holds the bytes of the body it served, as Jackson's own buffer
 * recycler does; it is handed only to the next stream on the same thread, which writes before it
 * reads, and every sink gets a view of the bytes written ({@link dev.kubeguard.api.spi.ChunkSink}
 * says the buffer is valid only during the call). Thread-confined: each thread has its own spares.
 */
final class SpareBuffers {

  static final int SLOTS = 4;
  static final int MAX_KEPT = 128 * 1024;
  static final int MAX_TOTAL = 256 * 1024;
  private static final int MIN_KEPT = 512;

  private static final ThreadLocal<byte[][]> SPARE = ThreadLocal.withInitial(() -> new byte[SLOTS][]);

  private SpareBuffers() {}

  /** An array of at least {@code min} bytes: a spare of this thread if one is large enough. */
  static byte[] take(int min) {
    byte[][] spare = SPARE.get();
    for (int i = 0; i < SLOTS; i++) {
      byte[] b = spare[i];
      if (b != null && b.length >= min) {
        spare[i] = null;
        return b;
      }
    }
    return new byte[min];
  }

  /**
   * Keeps {@code b} for this thread's next stream, in a free slot or in place of a smaller spare,
   * within {@link #MAX_TOTAL}; the caller drops it.
   */
  static void give(byte[] b) {
    if (b.length < MIN_KEPT || b.length > MAX_KEPT) {
      return;
    }
    byte[][] spare = SPARE.get();
    int free = -1;
    int smallest = -1;
    long total = 0;
    for (int i = 0; i < SLOTS; i++) {
      byte[] s = spare[i];
      if (s == null) {
        free = free < 0 ? i : free;
      } else {
        total += s.length;
        smallest = smallest < 0 || s.length < spare[smallest].length ? i : smallest;
      }
    }
    if (free >= 0 && total + b.length <= MAX_TOTAL) {
      spare[free] = b;
    } else if (smallest >= 0 && spare[smallest].length < b.length
        && total - spare[smallest].length + b.length <= MAX_TOTAL) {
      spare[smallest] = b;
    }
  }
}

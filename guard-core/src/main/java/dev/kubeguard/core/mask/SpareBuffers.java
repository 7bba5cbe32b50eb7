package dev.kubeguard.core.mask;

/**
 * A thread's spare byte arrays for the masking streams' input window and output buffer, so a
 * small response does not allocate both anew (they were most of the bytes a small request cost).
 * A stream takes what it needs and gives it back when it ends; one that is abandoned simply
 * leaves its arrays to the garbage collector. At most {@link #SLOTS} arrays of at most
 * {@link #MAX_KEPT} bytes stay per thread (the output flushes at 64 KB and grows by half past
 * it), so a thread keeps at most 256 KB.
 *
 * <p>An array given back still holds the bytes of the body it served, as Jackson's own buffer
 * recycler does; it is handed only to the next stream on the same thread, which writes before it
 * reads, and every sink gets a view of the bytes written ({@link dev.kubeguard.api.spi.ChunkSink}
 * says the buffer is valid only during the call). Thread-confined: each thread has its own spares.
 */
final class SpareBuffers {

  static final int SLOTS = 2;
  static final int MAX_KEPT = 128 * 1024;
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

  /** Keeps {@code b} for this thread's next stream, in place of a smaller spare; the caller drops it. */
  static void give(byte[] b) {
    if (b.length < MIN_KEPT || b.length > MAX_KEPT) {
      return;
    }
    byte[][] spare = SPARE.get();
    int smallest = 0;
    for (int i = 0; i < SLOTS; i++) {
      if (spare[i] == null) {
        spare[i] = b;
        return;
      }
      if (spare[i].length < spare[smallest].length) {
        smallest = i;
      }
    }
    if (spare[smallest].length < b.length) {
      spare[smallest] = b;
    }
  }
}

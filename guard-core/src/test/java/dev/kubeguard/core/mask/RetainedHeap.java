package dev.kubeguard.core.mask;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * What the heap still holds after full collections: the retained memory of everything reachable,
 * which is what a masker that keeps part of its input grows. Meant for a child JVM run with
 * {@link ChildJvm#MEMORY_OPTIONS} (the serial collector, whose {@code System.gc()} is one
 * stop-the-world compacting collection, so a reading is exact up to other threads' allocation
 * between the collection and the reading; the lowest of several readings is taken).
 *
 * <p>Other threads of the child (an HTTP client, a server) keep filling their buffers while the
 * reading thread collects instead of reading, until their backpressure stops them: readings are
 * repeated until two agree within {@link #SETTLED}, so both ends of a comparison see those
 * buffers equally full (up to about 1 MB through fabric8's JDK backend, seen as a spurious
 * difference before readings settled).
 *
 * <p>Threading: call from one thread; other threads keep running. Never fails: a JVM that ignores
 * {@code System.gc()}, or buffers that never stop filling, give a higher figure, which a growth
 * check reads as growth.
 */
public final class RetainedHeap {

  /**
   * How much the retained heap may differ between 20 MB and 200 MB of body. With the real masker
   * the two readings differed by under 80 KB (either way) in every run seen, in the core masker and
   * through both adapters, so 1 MB leaves room for noise ten times over, yet it is less than a masker keeping 8 bytes per Secret item
   * (about 130,000 items in the 180 MB between the readings), or one 64 KB chunk in 180, would add.
   */
  public static final long MAX_GROWTH = 1024 * 1024;
  /** How close two successive readings must be for the heap to count as settled. */
  static final long SETTLED = 64 * 1024;
  private static final int READINGS = 5;
  private static final int ROUNDS = 8;

  /**
   * Bytes of heap in use after full collections: the lowest of several readings, taken again
   * until two such figures agree within {@link #SETTLED} (at most a few rounds).
   */
  public static long sample() {
    long last = lowestReading();
    for (int round = 1; round < ROUNDS; round++) {
      long next = lowestReading();
      if (Math.abs(next - last) < SETTLED) {
        return next;
      }
      last = next;
    }
    return last;
  }

  private static long lowestReading() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < READINGS; i++) {
      System.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  /** The child's reading at its end minus its reading at the checkpoint ({@code heapAt*} figures). */
  public static long growth(ChildJvm.Result r) {
    return r.value("heapAtEnd") - r.value("heapAtCheckpoint");
  }

  /**
   * Fails, with the child's output, when its retained heap grew by more than {@link #MAX_GROWTH}
   * between its readings after {@code checkpoint} and after {@code target} bytes; prints both.
   */
  public static void assertConstant(ChildJvm.Result r, long checkpoint, long target) {
    long growth = growth(r);
    System.out.printf("retained heap after %d MB: %d bytes; after %d MB: %d bytes; growth %d bytes%n",
        checkpoint >> 20, r.value("heapAtCheckpoint"), target >> 20, r.value("heapAtEnd"), growth);
    if (growth > MAX_GROWTH) {
      throw new AssertionError("retained heap grew by " + growth + " bytes between " + (checkpoint >> 20)
          + " MB and " + (target >> 20) + " MB of body (bound " + MAX_GROWTH + "); the child said:\n" + r.output());
    }
  }

  private RetainedHeap() {}
}

package dev.kubeguard.core.mask;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * What the heap still holds after full collections: the retained memory of everything reachable,
 * which is what a masker that keeps part of its input grows. Meant for a child JVM run with
 * {@link ChildJvm#MEMORY_OPTIONS} (the serial collector, whose {@code System.gc()} is one
 * stop-the-world compacting collection, so the figure is exact up to other threads' allocation
 * between the collection and the reading; the lowest of several readings is taken).
 *
 * <p>Threading: call from one thread; other threads keep running. Never fails: a JVM that ignores
 * {@code System.gc()} reports a higher figure, which a growth check reads as growth.
 */
public final class RetainedHeap {

  private static final int READINGS = 5;

  /** Bytes of heap in use after a full collection, the lowest of several readings. */
  public static long sample() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < READINGS; i++) {
      System.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  private RetainedHeap() {}
}

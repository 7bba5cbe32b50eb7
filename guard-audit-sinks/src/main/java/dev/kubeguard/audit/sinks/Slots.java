package dev.kubeguard.audit.sinks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A sink's room for undelivered events: taken when an event is accepted, given back when it is
 * delivered (or its acceptance failed). Lock-free; thread-safe.
 */
final class Slots {
  private final long capacity;
  private final AtomicLong used;

  Slots(long capacity, long inUse) {
    this.capacity = capacity;
    this.used = new AtomicLong(inUse);
  }

  /** Takes one slot, or returns false when all are in use. */
  boolean take() {
    while (true) {
      long r = used.get();
      if (r >= capacity) {
        return false;
      }
      if (used.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  void release(long n) {
    used.addAndGet(-n);
  }

  long inUse() {
    return used.get();
  }
}

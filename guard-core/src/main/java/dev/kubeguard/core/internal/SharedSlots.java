package dev.kubeguard.core.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few objects kept for reuse by whichever thread asks next, in place of one per thread: a
 * client may run each request on a thread of its own (fabric8's JDK client completes its futures
 * on a new thread per task wherever the common pool has one worker, as on two cores), and a
 * per-thread cache is then made anew for every request, never reused. A thread starts its search
 * at a slot of its own, so threads at once mostly touch different slots.
 *
 * <p><b>Threading:</b> lock-free; an object handed over through a slot is seen by its taker as
 * its giver left it (the slots are atomic). An object is held by at most one taker at a time.
 * <b>Failure:</b> none: a take with nothing kept returns {@code null}, a give with every slot
 * full drops the object.
 *
 * @param <T> what is kept
 */
public final class SharedSlots<T> {

  private final AtomicReferenceArray<T> slots;

  /** Room for {@code size} objects. */
  public SharedSlots(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, got " + size);
    }
    slots = new AtomicReferenceArray<>(size);
  }

  /** How many objects it can keep. */
  public int size() {
    return slots.length();
  }

  /** A kept object, now the caller's alone; {@code null} when none is kept. */
  public T take() {
    int n = slots.length();
    int from = home(n);
    for (int k = 0; k < n; k++) {
      int i = (from + k) % n;
      T t = slots.get(i);
      if (t != null && slots.compareAndSet(i, t, null)) {
        return t;
      }
    }
    return null;
  }

  /** Keeps {@code t} (which the caller no longer uses) in an empty slot; false when all are full. */
  public boolean give(T t) {
    int n = slots.length();
    int from = home(n);
    for (int k = 0; k < n; k++) {
      int i = (from + k) % n;
      if (slots.get(i) == null && slots.compareAndSet(i, null, t)) {
        return true;
      }
    }
    return false;
  }

  /** The object in slot {@code i}, or {@code null}; for callers that choose what to take. */
  public T peek(int i) {
    return slots.get(i);
  }

  /** Replaces {@code expected} in slot {@code i} with {@code t} ({@code null} to take it); false when it was not there. */
  public boolean swap(int i, T expected, T t) {
    return slots.compareAndSet(i, expected, t);
  }

  /** The slot this thread's searches start at. */
  public static int home(int n) {
    return (int) (Thread.currentThread().getId() % n);
  }
}

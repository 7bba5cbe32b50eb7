package dev.kubeguard.core.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToIntFunction;

/**
 * A few objects kept for reuse by whichever thread asks next, in place of one per thread: a
 * client may run each request on a thread of its own (fabric8's JDK client completes its futures
 * on a new thread per task wherever the common pool has one worker, as on two cores), and a
 * per-thread cache is then made anew for every request, never reused.
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
    return take(null, 0);
  }

  /**
   * A kept object of at least {@code min} by {@code size} ({@code null}: any), now the caller's
   * alone; {@code null} when none is kept.
   */
  public T take(ToIntFunction<? super T> size, int min) {
    int n = slots.length();
    int from = home(n);
    for (int k = 0; k < n; k++) {
      int i = (from + k) % n;
      T t = slots.get(i);
      if (t != null && (size == null || size.applyAsInt(t) >= min) && slots.compareAndSet(i, t, null)) {
        return t;
      }
    }
    return null;
  }

  /** Keeps {@code t} (which the caller no longer uses) in an empty slot; false when all are full. */
  public boolean give(T t) {
    return give(t, null);
  }

  /**
   * Keeps {@code t} (which the caller no longer uses) in an empty slot or, when all are full and
   * {@code size} is given, in place of a smaller one, which is dropped; false when it is not kept.
   */
  public boolean give(T t, ToIntFunction<? super T> size) {
    int n = slots.length();
    int from = home(n);
    for (int k = 0; k < n; k++) {
      int i = (from + k) % n;
      if (slots.get(i) == null && slots.compareAndSet(i, null, t)) {
        return true;
      }
    }
    if (size == null) {
      return false;
    }
    int want = size.applyAsInt(t);
    for (int k = 0; k < n; k++) {
      int i = (from + k) % n;
      T kept = slots.get(i);
      if (kept == null ? slots.compareAndSet(i, null, t) : size.applyAsInt(kept) < want && slots.compareAndSet(i, kept, t)) {
        return true;
      }
    }
    return false;
  }

  // The slot this thread's searches start at, so threads at once mostly touch different slots.
  private static int home(int n) {
    return (int) (Thread.currentThread().getId() % n);
  }
}

package dev.kubeguard.e2e.bench;

import java.util.Arrays;

/**
 * Per-call wall times of one client, in nanoseconds, and their order statistics. Holds a fixed
 * number of samples (adding past it is a bug in the run and throws). Not thread-safe: one run,
 * one thread.
 */
final class CallTimes {

  private final long[] nanos;
  private int size;

  CallTimes(int capacity) {
    this.nanos = new long[capacity];
  }

  void add(long callNanos) {
    nanos[size++] = callNanos;
  }

  int size() {
    return size;
  }

  /** The {@code q}-quantile (nearest rank) in milliseconds; {@code q} in (0, 1]. */
  double quantileMs(double q) {
    if (size == 0) {
      throw new IllegalStateException("no call timed");
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * size);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  double medianMs() {
    return quantileMs(0.5);
  }

  double p90Ms() {
    return quantileMs(0.9);
  }

  /** The samples from {@code from} (inclusive) to {@code to} (exclusive), as their own set. */
  CallTimes slice(int from, int to) {
    CallTimes s = new CallTimes(to - from);
    System.arraycopy(nanos, from, s.nanos, 0, to - from);
    s.size = to - from;
    return s;
  }
}

package dev.kubeguard.audit.sinks;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff between retries of one batch: {@code initial}, doubling, capped at
 * {@code max}, with up to 20% jitter so replicas that failed together do not retry together; a
 * server's {@code Retry-After} is honoured up to the cap. Used by one sender thread; not
 * thread-safe.
 */
final class Backoff {

  private final Duration initial;
  private final Duration max;
  private Duration next;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** How long to wait before the next try; {@code retryAfter} (or null) is the server's wish. */
  Duration nextDelay(Duration retryAfter) {
    Duration base = next;
    next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
    long jitter = (long) (base.toNanos() * 0.2 * ThreadLocalRandom.current().nextDouble());
    Duration d = base.plusNanos(jitter);
    if (retryAfter != null && retryAfter.compareTo(d) > 0) {
      d = retryAfter;
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  void reset() {
    next = initial;
  }
}

package dev.kubeguard.audit.sinks;

/**
 * A token bucket limiting batches per second, as kube-apiserver's batch backend throttles
 * ({@code --audit-webhook-batch-throttle-qps}, {@code -burst}): {@code burst} batches may go at
 * once, then {@code qps} per second on average. Used by one sender thread; not thread-safe.
 */
final class Throttle {

  private final double qps;
  private final double burst;
  private double tokens;
  private long lastNanos;

  /** {@code qps <= 0} means no throttling. */
  Throttle(double qps, int burst) {
    this.qps = qps;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.lastNanos = System.nanoTime();
  }

  /** Waits for a token. */
  void acquire() throws InterruptedException {
    if (qps <= 0) {
      return;
    }
    while (true) {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * qps);
      lastNanos = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      long waitNanos = (long) Math.ceil((1 - tokens) / qps * 1e9);
      Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
    }
  }
}

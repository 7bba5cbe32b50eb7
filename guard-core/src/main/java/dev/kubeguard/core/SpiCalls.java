package dev.kubeguard.core;

import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.audit.Slf4jAuditRecorder;
import dev.kubeguard.core.internal.Faults;
import dev.kubeguard.core.policy.GuardPolicyEngine;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the calls a Guard makes into parts it does not control (a policy engine, a recorder) with
 * a deadline, so a part that hangs costs the caller at most its timeout instead of the thread.
 *
 * <p>Each call runs on a small pool owned by one Guard: {@value #THREADS} daemon threads named
 * {@code kubeguard-spi-N}, started on demand and retired after a minute idle (so an unused Guard
 * holds no thread and needs no closing), and a queue of {@value #QUEUE} calls waiting for one.
 * Waiting in the queue counts against the call's timeout. <b>Why a pool, not the caller's thread
 * with a watchdog:</b> a watchdog can only interrupt, and a part stuck in a loop or in
 * uninterruptible I/O would still hold the caller; a pool bounds every part, at the price of a
 * thread hand-off (microseconds) on every call, and the part no longer sees the caller's
 * thread-locals (logging MDC, tracing context). <b>Failure:</b> {@link #call} throws
 * {@link Failure} for whatever went wrong (the part threw, did not answer in time, or the pool is
 * saturated by parts that never return), except JVM-fatal errors, which it rethrows. A timed-out
 * call is cancelled with an interrupt; a part that ignores interrupts keeps its pool thread, and
 * once all are held every call times out: a denial, never a forwarded request.
 *
 * <p><b>Built-in parts run on the caller's thread.</b> The hand-off cost about 45 µs a call on a
 * loaded 2-vCPU machine (three calls per request: measured as guarded 288 µs against 154 µs per
 * GET through OkHttp, with {@code GuardedClientBenchmark}), so parts that bound themselves are
 * called inline (see {@link #boundsItself}). Every other implementation, the user's own above all,
 * goes through the pool. Failures are treated alike either way.
 *
 * <p>Thread-safe.
 */
final class SpiCalls {

  static final int THREADS = 64;
  static final int QUEUE = 1024;
  private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

  /** A call into a part: may throw anything. */
  @FunctionalInterface
  interface Call<T> {
    T call() throws Exception;
  }

  /** Why a call gave no result; the message is written for a denial reason or a log line. */
  static final class Failure extends Exception {
    private final boolean timedOut;

    Failure(String message, Throwable cause, boolean timedOut) {
      super(message, cause);
      this.timedOut = timedOut;
    }

    /** Whether the part did not answer within its timeout (as opposed to failing). */
    boolean timedOut() {
      return timedOut;
    }
  }

  private final ThreadPoolExecutor pool;

  SpiCalls() {
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "kubeguard-spi-" + THREAD_NUMBERS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE), threads);
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code call} and waits at most {@code timeout} for it. {@code part} names the part in
   * failure messages ("policy engine").
   */
  <T> T call(String part, Duration timeout, Call<T> call) throws Failure {
    Future<T> f;
    try {
      f = pool.submit(call::call);
    } catch (RejectedExecutionException e) {
      throw new Failure(part + " calls are saturated (" + THREADS + " running, " + QUEUE + " waiting)", e, false);
    }
    try {
      return f.get(nanos(timeout), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new Failure(part + " did not answer within " + describe(timeout), e, true);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      Faults.rethrowIfFatal(cause);
      throw new Failure(part + " failed: " + Faults.why(cause), cause, false);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while waiting for the " + part, e, false);
    }
  }

  /**
   * Runs {@code call} on the caller's thread, for parts that bound their own time: any failure
   * (an {@link Error} included, JVM-fatal errors excepted) is a {@link Failure}, as on the pool.
   */
  <T> T inline(String part, Call<T> call) throws Failure {
    try {
      return call.call();
    } catch (Throwable t) {
      Faults.rethrowIfFatal(t);
      throw new Failure(part + " failed: " + Faults.why(t), t, false);
    }
  }

  /**
   * Whether {@code part} is a built-in that bounds its own time, so it is called on the caller's
   * thread: the in-memory {@code GuardPolicyEngine}, the {@code JsonlAuditRecorder} (its own
   * queue-offer and fsync-ack timeouts), the {@code Slf4jAuditRecorder} and the Guard's recorder of
   * nothing.
   */
  static boolean boundsItself(Object part) {
    return part instanceof GuardPolicyEngine || part instanceof JsonlAuditRecorder
        || part instanceof Slf4jAuditRecorder || part == ExchangeAudit.NO_RECORDER;
  }

  /** Runs {@code call} inline when {@code selfBounded}, else on the pool with {@code timeout}. */
  <T> T call(String part, Duration timeout, boolean selfBounded, Call<T> call) throws Failure {
    return selfBounded ? inline(part, call) : call(part, timeout, call);
  }

  // A timeout too long to count in nanoseconds (centuries) is as good as unbounded.
  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** "5s", "200ms": how an operator wrote the timeout. */
  static String describe(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}

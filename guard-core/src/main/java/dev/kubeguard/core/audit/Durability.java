package dev.kubeguard.core.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link JsonlAuditRecorder#record} returns, and so what an acknowledged event survives.
 *
 * <table>
 *   <caption>The three settings</caption>
 *   <tr><th>setting</th><th>{@code record()} returns</th><th>a process crash (kill -9) loses</th>
 *       <th>a power cut loses</th></tr>
 *   <tr><td>{@link #written(Duration)}, the default {@link #DEFAULT}</td>
 *       <td>once the line is written to the operating system</td><td>nothing acknowledged</td>
 *       <td>at most the last {@code fsyncEvery}</td></tr>
 *   <tr><td>{@link #perEvent()}</td><td>once the line is fsynced</td><td>nothing acknowledged</td>
 *       <td>nothing acknowledged</td></tr>
 *   <tr><td>{@link #interval(Duration)}</td><td>once the event is queued</td>
 *       <td>what was queued but not yet written, at most the last {@code interval}</td>
 *       <td>at most the last {@code interval}</td></tr>
 * </table>
 *
 * <ul>
 *   <li>{@link #written(Duration)}: <b>acknowledged means {@code record()} returned</b>, and the
 *       event's line is then in the file as the kernel holds it (its {@code write(2)} completed),
 *       so it outlives the JVM; fsync runs on a background thread every {@code fsyncEvery}.
 *       Concurrent callers share the write: the caller that gets the chain writes every line
 *       pending (leader), the others return once it has (followers), so no handoff to another
 *       thread is on the request path.
 *   <li>{@link #perEvent()}: <b>acknowledged means {@code record()} returned</b>, after the fsync
 *       that covers the line. Concurrent callers share one fsync (group commit): the writer writes
 *       whatever is queued, fsyncs once and releases them all.
 *   <li>{@link #interval(Duration)}: <b>acknowledged means a {@link JsonlAuditRecorder#sync()} (or
 *       {@code close()}) called after {@code record()} returned has returned</b>; {@code record()}
 *       itself returns once the event is queued, and the writer fsyncs at most {@code interval}
 *       after writing.
 * </ul>
 *
 * Immutable values.
 */
public sealed interface Durability {

  /**
   * The default: {@link #written(Duration) written} with fsync every second. This is the choice
   * of MySQL's {@code innodb_flush_log_at_trx_commit=2} (write the log at each commit, flush it
   * once a second) and close to Kafka's (acknowledge once in the page cache): a crash of the
   * process loses nothing acknowledged, a power cut or kernel crash at most the last second, and
   * the fsync is off the request path.
   */
  Durability DEFAULT = written(Duration.ofSeconds(1));

  /**
   * {@code record()} returns once the line is written to the operating system; fsync every
   * {@code fsyncEvery} on a background thread.
   */
  static Durability written(Duration fsyncEvery) {
    return new Written(fsyncEvery);
  }

  /** fsync before {@code record()} returns (group commit). */
  static Durability perEvent() {
    return PerEvent.INSTANCE;
  }

  /** fsync every {@code interval}; {@code record()} returns when queued. */
  static Durability interval(Duration interval) {
    return new Interval(interval);
  }

  /** See {@link #written(Duration)}. */
  record Written(Duration fsyncEvery) implements Durability {
    public Written {
      requirePositive(fsyncEvery, "fsyncEvery");
    }
  }

  /** See {@link #perEvent()}. */
  enum PerEvent implements Durability {
    INSTANCE
  }

  /** See {@link #interval(Duration)}. */
  record Interval(Duration interval) implements Durability {
    public Interval {
      requirePositive(interval, "interval");
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("fsync " + name + " must be positive, got " + d);
    }
  }
}

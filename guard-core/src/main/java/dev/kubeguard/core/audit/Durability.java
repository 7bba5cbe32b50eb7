package dev.kubeguard.core.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link JsonlAuditRecorder} fsyncs, and so what {@code record()} returning means.
 *
 * <ul>
 *   <li>{@link #perEvent()}: {@code record()} returns only once the event's line is written and
 *       fsynced. Concurrent callers share one fsync (group commit): the writer writes whatever is
 *       queued, fsyncs once, and releases them all.
 *   <li>{@link #interval(Duration)}: {@code record()} returns once the event is queued; the writer
 *       fsyncs at most {@code interval} after writing. A crash can lose events queued or written in
 *       the last interval; {@link JsonlAuditRecorder#sync()} returns once everything recorded
 *       before it is fsynced.
 * </ul>
 *
 * Immutable values.
 */
public sealed interface Durability {

  /** fsync before {@code record()} returns (group commit). */
  static Durability perEvent() {
    return PerEvent.INSTANCE;
  }

  /** fsync every {@code interval}; {@code record()} returns when queued. */
  static Durability interval(Duration interval) {
    return new Interval(interval);
  }

  /** See {@link #perEvent()}. */
  enum PerEvent implements Durability {
    INSTANCE
  }

  /** See {@link #interval(Duration)}. */
  record Interval(Duration interval) implements Durability {
    public Interval {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("fsync interval must be positive, got " + interval);
      }
    }
  }
}

package dev.kubeguard.api.spi;

import dev.kubeguard.api.AuditEvent;
import java.util.List;

/**
 * Hands each event to several recorders, in the order given; an event is accepted only when every
 * recorder accepted it. If one throws, the composite throws at once with that error and the
 * recorders after it do not see the event (the ones before it have kept it: put the durable,
 * tamper-evident recorder first). Thread-safe when its recorders are; {@link #close()} closes all,
 * in order, and rethrows the first failure with the others suppressed.
 */
final class CompositeRecorder implements Recorder {

  private final List<Recorder> recorders;

  private CompositeRecorder(List<Recorder> recorders) {
    this.recorders = recorders;
  }

  /** A recorder feeding {@code recorders} in order; at least one. */
  static Recorder of(List<? extends Recorder> recorders) {
    if (recorders.isEmpty()) {
      throw new IllegalArgumentException("Recorder.composite needs at least one recorder");
    }
    return new CompositeRecorder(List.copyOf(recorders));
  }

  @Override
  public void record(AuditEvent event) throws RecordingException {
    for (Recorder r : recorders) {
      try {
        r.record(event);
      } catch (RuntimeException e) {
        throw new RecordingException(r.getClass().getSimpleName() + " failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() throws RecordingException {
    RecordingException first = null;
    for (Recorder r : recorders) {
      try {
        r.close();
      } catch (RecordingException | RuntimeException e) {
        if (first == null) {
          first = e instanceof RecordingException re ? re : new RecordingException(e.getMessage(), e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}

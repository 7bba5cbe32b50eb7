package dev.kubeguard.audit.sinks;

/** What a sink does with an event when its buffer (spool or queue) is full. */
public enum WhenFull {
  /** {@code record} throws {@code RecordingException}: the Guard then denies (fail closed). The default. */
  DENY,
  /**
   * The event is left out of this sink's stream (the hash-chained file still has it) and counted;
   * once there is room again the sink records a {@code kubeguard.dev/sink-dropped} event naming
   * how many and which chain seqs, in the chain and in its stream, so the gap is itself audited.
   */
  DROP
}

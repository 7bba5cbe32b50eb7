package dev.kubeguard.core.audit;

/**
 * What {@link JsonlAuditRecorder} does when it finds its active file deleted or replaced while it
 * holds it open (a wrong logrotate rule, a careless {@code rm}, an intruder). It checks before each
 * write batch by comparing the file key (device and inode) at the path with the one it opened, so
 * the cost is one {@code stat} per batch.
 *
 * <p>In both modes it first restores the trail: the still-open descriptor holds every line written
 * so far, so it copies them to a new file at the path (a file found in its place is kept as
 * {@code <path>.displaced-<millis>}, never deleted) and logs a warning naming the paths. No
 * acknowledged event is lost either way.
 */
public enum ActiveFileLoss {
  /**
   * Restore the file and keep recording on it; the chain goes on unbroken. The default: the trail
   * stays complete and verifiable, and a rotation mistake does not become an outage of every
   * guarded client.
   */
  RECOVER,
  /**
   * Restore the file, then stop the writer: the batch in hand and every later {@code record}
   * fail, so the Guard denies (fail closed) until someone builds a new recorder.
   */
  FAIL
}

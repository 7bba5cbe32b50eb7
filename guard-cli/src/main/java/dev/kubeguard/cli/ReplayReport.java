package dev.kubeguard.cli;

/**
 * Totals of a replay. Immutable.
 *
 * @param replayed events replayed
 * @param unchanged same effect as recorded
 * @param allowedToDenied recorded {@code allow}, now {@code deny}
 * @param deniedToAllowed recorded {@code deny}, now {@code allow}
 * @param otherChanges changes to or from {@code require-approval}
 * @param skipped lines that are not KubeGuard events with a recorded decision (or not readable)
 */
public record ReplayReport(
    long replayed, long unchanged, long allowedToDenied, long deniedToAllowed, long otherChanges, long skipped) {

  /** One line for humans. */
  public String summary() {
    return "replayed " + replayed + " events: " + unchanged + " unchanged, " + allowedToDenied
        + " allowed->denied, " + deniedToAllowed + " denied->allowed, " + otherChanges
        + " other changes, " + skipped + " skipped";
  }
}

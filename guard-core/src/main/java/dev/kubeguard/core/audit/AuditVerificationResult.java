package dev.kubeguard.core.audit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link AuditVerifier} found: whether the chain is intact, how many events it holds, and for
 * a failure the first broken place and why. Immutable.
 *
 * @param ok the chain verified (an incomplete last line counts as ok only when tolerated)
 * @param eventCount the complete, verified events before the first problem
 * @param problem the first problem, or {@code null} when there is none
 * @param file the file of the problem, or {@code null}
 * @param line the 1-based line of the problem in {@code file}, or 0
 * @param detail a sentence saying what is wrong, or {@code ""}
 * @param checkpointSeq the sequence number a verified checkpoint vouched for, or 0
 */
public record AuditVerificationResult(
    boolean ok, long eventCount, Problem problem, Path file, long line, String detail, long checkpointSeq) {

  /** Why a chain does not verify. */
  public enum Problem {
    /** A line's bytes no longer match its own hash. */
    EDITED,
    /** A line is not a chained audit event (not JSON, not an Event, chain fields missing). */
    MALFORMED,
    /** The sequence jumps forward: lines are missing. */
    MISSING,
    /** A line's sequence number is not after its predecessor's: inserted, duplicated or reordered. */
    REORDERED,
    /** A line does not link to the previous line's hash (a forged or replaced line). */
    CHAIN_BROKEN,
    /** The last line has no newline: a crash during a write (never acknowledged). */
    INCOMPLETE_LAST_LINE,
    /** A file does not continue where the previous one ended, or the first does not start the chain. */
    GAP_BETWEEN_FILES,
    /** The checkpoint's signature does not verify, or it is unreadable. */
    BAD_CHECKPOINT_SIGNATURE,
    /** The line at the checkpoint's sequence number does not have the signed hash. */
    CHECKPOINT_MISMATCH,
    /** The chain ends before the signed checkpoint: the tail was cut off. */
    TRUNCATED_BEFORE_CHECKPOINT,
    /** A closed chain goes on after its closing checkpoint: lines were appended. */
    EXTENDED_AFTER_CHECKPOINT,
    /** A file could not be read, or does not exist. */
    UNREADABLE,
    /** A line's mac does not verify under the chain key, or a keyed trail holds a line without one. */
    FORGED,
    /** The trail holds no events, or no files: there is nothing to vouch for. */
    EMPTY_TRAIL,
    /** A keyed verification found no sealed head ({@code <active file>.head}). */
    HEAD_MISSING,
    /** The sealed head is unreadable, sealed with another key, or its mac does not verify. */
    BAD_HEAD,
    /** The line at the sealed head's sequence number does not have the sealed hash. */
    HEAD_MISMATCH,
    /** The chain ends before the line its sealed head vouches for: cut tail, emptied or replaced file. */
    TRUNCATED_BEFORE_HEAD,
    /** The signed checkpoint names another replica than the one whose stream is verified. */
    WRONG_REPLICA
  }

  public AuditVerificationResult {
    detail = Objects.requireNonNullElse(detail, "");
    if (!ok && problem == null) {
      throw new IllegalArgumentException("a failed verification names its problem");
    }
  }

  static AuditVerificationResult ok(long count, long checkpointSeq) {
    return new AuditVerificationResult(true, count, null, null, 0, "", checkpointSeq);
  }

  /** {@code OK 1234 events} or {@code BROKEN file.jsonl:57: line edited (hash mismatch)}. */
  public String summary() {
    if (ok && problem == null) {
      return "OK " + eventCount + " events" + (checkpointSeq > 0 ? " (checkpoint at seq " + checkpointSeq + " verified)" : "");
    }
    String where = file == null ? "" : file + (line > 0 ? ":" + line : "") + ": ";
    return (ok ? "OK " + eventCount + " events, tolerated " : "BROKEN ") + where + detail;
  }
}

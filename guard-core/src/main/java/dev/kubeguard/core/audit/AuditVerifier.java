package dev.kubeguard.core.audit;

import com.nimbusds.jose.JWSVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * Verifies chained audit files written by {@link JsonlAuditRecorder} (format in its javadoc),
 * streaming them line by line in constant memory, and reports the first problem.
 *
 * <p>Checks, per line in file order: it ends with a newline (else, on the very last line of the
 * last file, {@link AuditVerificationResult.Problem#INCOMPLETE_LAST_LINE}: a crash artefact,
 * tolerated on request); it is a chained event; its bytes match its {@code hash} (else
 * {@code EDITED}); its {@code seq} is one more than the previous line's (else {@code MISSING} or
 * {@code REORDERED}, or {@code GAP_BETWEEN_FILES} at the start of a file); its {@code prev-hash}
 * is the previous line's hash (else {@code CHAIN_BROKEN}). The first file must start the chain
 * (seq 1, genesis hash). With a checkpoint, its signature must verify, the line at its seq must
 * carry its head hash, and the chain must reach it (else {@code TRUNCATED_BEFORE_CHECKPOINT});
 * for a closed chain it must also end there (else {@code EXTENDED_AFTER_CHECKPOINT}).
 *
 * <p>What it cannot detect: lines cut off after the last checkpoint (or any tail without
 * checkpoints), and a rewrite of the chain from some line onwards by someone who recomputes every
 * later hash, unless that range is covered by a checkpoint. Stateless and thread-safe.
 */
public final class AuditVerifier {

  /**
   * Options.
   *
   * @param tolerateIncompleteLastLine report an unterminated last line but still say ok
   * @param checkpointFile a checkpoint sidecar to check, or null
   * @param checkpointVerifier verifies the checkpoint's signature; required with a checkpoint file
   * @param requireCheckpointAtHead the chain was closed (close() signs its head): a line after the
   *     checkpoint is then an addition, reported as {@code EXTENDED_AFTER_CHECKPOINT}
   */
  public record Options(
      boolean tolerateIncompleteLastLine, Path checkpointFile, JWSVerifier checkpointVerifier,
      boolean requireCheckpointAtHead) {
    public Options {
      if (checkpointFile != null && checkpointVerifier == null) {
        throw new IllegalArgumentException("a checkpoint file needs a JWSVerifier with the signer's public key");
      }
      if (requireCheckpointAtHead && checkpointFile == null) {
        throw new IllegalArgumentException("requireCheckpointAtHead needs a checkpoint file");
      }
    }

    /** No checkpoint, no tolerance. */
    public static Options strict() {
      return new Options(false, null, null, false);
    }

    /** With a checkpoint file and the verifier of its signature. */
    public static Options withCheckpoint(Path checkpointFile, JWSVerifier verifier) {
      return new Options(false, checkpointFile, verifier, false);
    }

    /** The same options, tolerating an incomplete last line. */
    public Options toleratingIncompleteLastLine() {
      return new Options(true, checkpointFile, checkpointVerifier, requireCheckpointAtHead);
    }

    /** The same options, for a closed chain whose head must be the checkpoint. */
    public Options closedChain() {
      return new Options(tolerateIncompleteLastLine, checkpointFile, checkpointVerifier, true);
    }
  }

  private AuditVerifier() {}

  /** Verifies {@code files}, oldest first, strictly and without checkpoints. */
  public static AuditVerificationResult verify(List<Path> files) {
    return verify(files, Options.strict());
  }

  /** Verifies {@code files}, oldest first. */
  public static AuditVerificationResult verify(List<Path> files, Options options) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no audit files to verify");
    }
    CheckpointCodec.Checkpoint checkpoint = null;
    if (options.checkpointFile() != null) {
      try {
        String text = Files.readString(options.checkpointFile(), StandardCharsets.US_ASCII);
        checkpoint = CheckpointCodec.verify(text, options.checkpointVerifier());
      } catch (IOException | IllegalArgumentException e) {
        return fail(0, AuditVerificationResult.Problem.BAD_CHECKPOINT_SIGNATURE, options.checkpointFile(), 0,
            "checkpoint rejected: " + e.getMessage());
      }
    }
    return new Run(files, options, checkpoint).run();
  }

  private static AuditVerificationResult fail(
      long count, AuditVerificationResult.Problem p, Path file, long line, String detail) {
    return new AuditVerificationResult(false, count, p, file, line, detail, 0);
  }

  /** One verification pass; holds the running chain state. */
  private static final class Run {
    private final List<Path> files;
    private final Options options;
    private final CheckpointCodec.Checkpoint checkpoint;
    private final MessageDigest sha = ChainLine.sha256();
    private long seq;
    private String prevHash = ChainLine.GENESIS;
    private boolean checkpointSeen;

    Run(List<Path> files, Options options, CheckpointCodec.Checkpoint checkpoint) {
      this.files = files;
      this.options = options;
      this.checkpoint = checkpoint;
    }

    AuditVerificationResult run() {
      for (int f = 0; f < files.size(); f++) {
        Path file = files.get(f);
        boolean lastFile = f == files.size() - 1;
        try (LineReader r = new LineReader(file)) {
          while (r.next()) {
            if (!r.terminated()) {
              if (!lastFile) {
                return fail(seq, AuditVerificationResult.Problem.MALFORMED, file, r.number(),
                    "unterminated line in a file that is not the last");
              }
              AuditVerificationResult incomplete =
                  new AuditVerificationResult(
                      options.tolerateIncompleteLastLine(), seq,
                      AuditVerificationResult.Problem.INCOMPLETE_LAST_LINE, file, r.number(),
                      "incomplete last line (" + r.length() + " bytes, no newline): a write cut short by a crash",
                      checkpointSeen ? checkpoint.seq() : 0);
              AuditVerificationResult end = finish(file, r.number());
              return end.ok() ? incomplete : end;
            }
            AuditVerificationResult problem = checkLine(file, r, r.number() == 1);
            if (problem != null) {
              return problem;
            }
          }
        } catch (IOException e) {
          return fail(seq, AuditVerificationResult.Problem.UNREADABLE, file, 0, "cannot read: " + e.getMessage());
        }
      }
      return finish(files.get(files.size() - 1), 0);
    }

    private AuditVerificationResult finish(Path file, long line) {
      if (checkpoint != null && !checkpointSeen) {
        return fail(seq, AuditVerificationResult.Problem.TRUNCATED_BEFORE_CHECKPOINT, file, line,
            "chain ends at seq " + seq + " but a signed checkpoint vouches for seq " + checkpoint.seq()
                + ": the tail was cut off");
      }
      if (options.requireCheckpointAtHead() && checkpoint.seq() != seq) {
        return fail(seq, AuditVerificationResult.Problem.EXTENDED_AFTER_CHECKPOINT, file, line,
            "chain goes on to seq " + seq + " after the closing checkpoint at seq " + checkpoint.seq()
                + ": lines were added");
      }
      return AuditVerificationResult.ok(seq, checkpointSeen ? checkpoint.seq() : 0);
    }

    private AuditVerificationResult checkLine(Path file, LineReader r, boolean firstOfFile) {
      long n = r.number();
      ChainLine.Parsed p;
      try {
        p = ChainLine.parse(r.bytes(), r.length(), sha);
      } catch (IllegalArgumentException e) {
        return fail(seq, AuditVerificationResult.Problem.MALFORMED, file, n, "not a chained audit event: " + e.getMessage());
      }
      if (!p.hashMatches()) {
        return fail(seq, AuditVerificationResult.Problem.EDITED, file, n, "line edited (hash mismatch)");
      }
      if (p.seq() != seq + 1) {
        String what = "seq " + p.seq() + " follows seq " + seq;
        if (seq == 0) {
          return fail(seq, AuditVerificationResult.Problem.GAP_BETWEEN_FILES, file, n,
              "chain does not start at seq 1 (first line has seq " + p.seq() + "): earlier lines or files missing");
        }
        if (firstOfFile) {
          return fail(seq, AuditVerificationResult.Problem.GAP_BETWEEN_FILES, file, n,
              "file does not continue the previous one (" + what + ")");
        }
        return p.seq() > seq + 1
            ? fail(seq, AuditVerificationResult.Problem.MISSING, file, n,
                (p.seq() - seq - 1) + " line(s) missing before this one (" + what + ")")
            : fail(seq, AuditVerificationResult.Problem.REORDERED, file, n,
                "line inserted, duplicated or reordered (" + what + ")");
      }
      if (!p.prevHash().equals(prevHash)) {
        return fail(seq, AuditVerificationResult.Problem.CHAIN_BROKEN, file, n,
            "prev-hash does not match the previous line: a line was forged or replaced");
      }
      seq = p.seq();
      prevHash = p.storedHash();
      if (checkpoint != null && seq == checkpoint.seq()) {
        if (!prevHash.equals(checkpoint.headHash())) {
          return fail(seq, AuditVerificationResult.Problem.CHECKPOINT_MISMATCH, file, n,
              "line at checkpoint seq " + seq + " does not have the signed hash");
        }
        checkpointSeen = true;
      }
      return null;
    }
  }
}

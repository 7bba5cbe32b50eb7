package dev.kubeguard.core.audit;

import com.nimbusds.jose.JWSVerifier;
import dev.kubeguard.core.internal.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.Mac;

/**
 * Verifies chained audit files written by {@link JsonlAuditRecorder} (format in its javadoc),
 * streaming them line by line in constant memory, and reports the first problem.
 *
 * <p>Checks, per line in file order: it ends with a newline (else, on the very last line of the
 * last file, {@link AuditVerificationResult.Problem#INCOMPLETE_LAST_LINE}: a crash artefact,
 * tolerated on request); it is a chained event; its bytes match its {@code hash} (else
 * {@code EDITED}); with the chain key, its {@code mac} verifies (else {@code FORGED}); its
 * {@code seq} is one more than the previous line's (else {@code MISSING} or {@code REORDERED}, or
 * {@code GAP_BETWEEN_FILES} at the start of a file); its {@code prev-hash} is the previous line's
 * hash (else {@code CHAIN_BROKEN}). The first file must start the chain (seq 1, genesis hash) and
 * the trail must hold at least one event (else {@code EMPTY_TRAIL}). With the key, the sealed head
 * (beside the active file, {@code <active>.head}) must verify and the chain must reach the line it seals (else
 * {@code HEAD_MISSING}, {@code BAD_HEAD}, {@code HEAD_MISMATCH} or {@code TRUNCATED_BEFORE_HEAD}).
 * With a checkpoint, its signature must verify, the line at its seq must carry its head hash, and
 * the chain must reach it; for a closed chain it must also end there.
 *
 * <p>What it cannot detect, with the key: the trail and its head rolled back together to an older
 * copy of both (keep checkpoints off-host for that). Without the key ({@link
 * Options#withoutChainKey()}): anything done by someone who recomputes hashes, except edits
 * before a signed checkpoint. Stateless and thread-safe.
 */
public final class AuditVerifier {

  /**
   * Options. Build them from {@link #keyed(ChainKey)} or {@link #withoutChainKey()}.
   *
   * @param tolerateIncompleteLastLine report an unterminated last line but still say ok
   * @param checkpointFile a checkpoint sidecar to check, or null
   * @param checkpointVerifier verifies the checkpoint's signature; required with a checkpoint file
   * @param requireCheckpointAtHead the chain was closed (close() signs its head): a line after the
   *     checkpoint is then an addition, reported as {@code EXTENDED_AFTER_CHECKPOINT}
   * @param chainKey the chain key: macs and the sealed head are checked; null only for
   *     {@link #withoutChainKey()}
   * @param headFile the sealed head, or null for {@code <last file>.head}; unused without a key
   * @param replicaId the replica whose stream this must be: the checkpoint must name it; null
   *     to accept any
   */
  public record Options(
      boolean tolerateIncompleteLastLine, Path checkpointFile, JWSVerifier checkpointVerifier,
      boolean requireCheckpointAtHead, ChainKey chainKey, Path headFile, String replicaId) {
    public Options {
      if (checkpointFile != null && checkpointVerifier == null) {
        throw new IllegalArgumentException("a checkpoint file needs a JWSVerifier with the signer's public key");
      }
      if (requireCheckpointAtHead && checkpointFile == null) {
        throw new IllegalArgumentException("requireCheckpointAtHead needs a checkpoint file");
      }
      if (replicaId != null && checkpointFile == null) {
        throw new IllegalArgumentException("a replica id is checked against a signed checkpoint: add withCheckpoint(..)");
      }
    }

    /** The default: checks every line's mac and the sealed head under {@code key}. */
    public static Options keyed(ChainKey key) {
      if (key == null) {
        throw new IllegalArgumentException("a keyed verification needs the chain key (or say withoutChainKey())");
      }
      return new Options(false, null, null, false, key, null, null);
    }

    /**
     * Checks only the plain SHA-256 chain: for trails written with
     * {@code unkeyedForDevelopment()}, or for a party without the key who checks a keyed trail
     * against a signed checkpoint. Detects accidental damage, and edits before a checkpoint; not
     * a cut tail, an emptied file, or a rewrite by anyone who recomputes hashes.
     */
    public static Options withoutChainKey() {
      return new Options(false, null, null, false, null, null, null);
    }

    /** The same options, also checking a signed checkpoint. */
    public Options withCheckpoint(Path file, JWSVerifier verifier) {
      return new Options(tolerateIncompleteLastLine, file, verifier, requireCheckpointAtHead, chainKey, headFile, replicaId);
    }

    /** The same options, reading the sealed head from {@code file}. */
    public Options withHeadFile(Path file) {
      return new Options(tolerateIncompleteLastLine, checkpointFile, checkpointVerifier, requireCheckpointAtHead,
          chainKey, file, replicaId);
    }

    /**
     * The same options, requiring the signed checkpoint to name {@code replicaId}: with many
     * replicas, each stream verifies on its own and a checkpoint cannot vouch for another's.
     */
    public Options forReplica(String replicaId) {
      return new Options(tolerateIncompleteLastLine, checkpointFile, checkpointVerifier, requireCheckpointAtHead,
          chainKey, headFile, replicaId);
    }

    /** The same options, tolerating an incomplete last line. */
    public Options toleratingIncompleteLastLine() {
      return new Options(true, checkpointFile, checkpointVerifier, requireCheckpointAtHead, chainKey, headFile, replicaId);
    }

    /** The same options, for a closed chain whose head must be the checkpoint. */
    public Options closedChain() {
      return new Options(tolerateIncompleteLastLine, checkpointFile, checkpointVerifier, true, chainKey, headFile, replicaId);
    }
  }

  private AuditVerifier() {}

  /** Verifies the whole chain whose active file is {@code active} (rotated files first). */
  public static AuditVerificationResult verifyChain(Path active, Options options) {
    List<Path> files;
    try {
      files = ChainFiles.list(active);
    } catch (IOException e) {
      return fail(0, AuditVerificationResult.Problem.UNREADABLE, active, 0, "cannot list the chain: " + e.getMessage());
    }
    if (files.isEmpty()) {
      return fail(0, AuditVerificationResult.Problem.EMPTY_TRAIL, active, 0,
          "no audit file at " + active + " (nor rotated ones): the trail is missing");
    }
    Options o = options.chainKey() != null && options.headFile() == null
        ? options.withHeadFile(HeadSeal.sidecar(active.toAbsolutePath()))
        : options;
    return verify(files, o);
  }

  /** Verifies {@code files}, oldest first (the active file last). */
  public static AuditVerificationResult verify(List<Path> files, Options options) {
    if (files.isEmpty()) {
      return fail(0, AuditVerificationResult.Problem.EMPTY_TRAIL, null, 0, "no audit files given: nothing to verify");
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
      if (options.replicaId() != null && !options.replicaId().equals(checkpoint.replica())) {
        return fail(0, AuditVerificationResult.Problem.WRONG_REPLICA, options.checkpointFile(), 0,
            "checkpoint is signed for replica '" + checkpoint.replica() + "', not '" + options.replicaId()
                + "': this is another replica's stream");
      }
    }
    HeadSeal.Sealed head = null;
    Path headFile = null;
    if (options.chainKey() != null) {
      Path last = files.get(files.size() - 1);
      headFile = options.headFile() != null ? options.headFile() : HeadSeal.sidecar(ChainFiles.activeOf(last));
      String name = headFile.getFileName().toString();
      String chainName = name.endsWith(".head") ? name.substring(0, name.length() - ".head".length()) : name;
      try {
        head = HeadSeal.read(headFile, chainName, options.chainKey());
      } catch (NoSuchFileException e) {
        return fail(0, AuditVerificationResult.Problem.HEAD_MISSING, headFile, 0,
            "the sealed head is missing: it was deleted, or these are not the files of a keyed chain");
      } catch (IOException | IllegalArgumentException e) {
        return fail(0, AuditVerificationResult.Problem.BAD_HEAD, headFile, 0, "sealed head rejected: " + e.getMessage());
      }
    }
    return new Run(files, options, checkpoint, head, headFile).run();
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
    private final HeadSeal.Sealed head;
    private final Path headFile;
    private final MessageDigest sha = Sha256.newDigest();
    private final Mac mac;
    private long seq;
    private String prevHash = ChainLine.GENESIS;
    private boolean checkpointSeen;
    private boolean headSeen;

    Run(List<Path> files, Options options, CheckpointCodec.Checkpoint checkpoint, HeadSeal.Sealed head,
        Path headFile) {
      this.files = files;
      this.options = options;
      this.checkpoint = checkpoint;
      this.head = head;
      this.headFile = headFile;
      this.mac = options.chainKey() == null ? null : options.chainKey().newMac();
      this.headSeen = head == null || head.seq() == 0;
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
        } catch (NoSuchFileException e) {
          return fail(seq, AuditVerificationResult.Problem.UNREADABLE, file, 0,
              "file does not exist: the trail (or part of it) is missing");
        } catch (IOException e) {
          return fail(seq, AuditVerificationResult.Problem.UNREADABLE, file, 0, "cannot read: " + e.getMessage());
        }
      }
      return finish(files.get(files.size() - 1), 0);
    }

    private AuditVerificationResult finish(Path file, long line) {
      if (!headSeen) {
        return fail(seq, AuditVerificationResult.Problem.TRUNCATED_BEFORE_HEAD, file, line,
            "chain ends at seq " + seq + " but its sealed head (" + headFile + ") vouches for seq " + head.seq()
                + ": the tail was cut off, or the file emptied or replaced");
      }
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
      if (seq == 0) {
        return fail(0, AuditVerificationResult.Problem.EMPTY_TRAIL, file, line,
            "the trail holds no events: nothing to vouch for (an emptied file, or a recorder that never recorded)");
      }
      return AuditVerificationResult.ok(seq, checkpointSeen ? checkpoint.seq() : 0);
    }

    private AuditVerificationResult checkLine(Path file, LineReader r, boolean firstOfFile) {
      long n = r.number();
      ChainLine.Parsed p;
      try {
        p = ChainLine.parse(r.bytes(), r.length(), sha, mac);
      } catch (IllegalArgumentException e) {
        return fail(seq, AuditVerificationResult.Problem.MALFORMED, file, n, "not a chained audit event: " + e.getMessage());
      }
      if (!p.hashMatches()) {
        return fail(seq, AuditVerificationResult.Problem.EDITED, file, n, "line edited (hash mismatch)");
      }
      if (mac != null && !p.macMatches()) {
        return fail(seq, AuditVerificationResult.Problem.FORGED, file, n,
            p.keyed()
                ? "line's mac does not verify under key " + options.chainKey().id()
                    + ": forged or rewritten without the chain key (or the wrong key)"
                : "line has no " + ChainLine.MAC + ": not written by a keyed recorder (forged, or an unkeyed trail)");
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
      if (head != null && seq == head.seq()) {
        if (!prevHash.equals(head.hash())) {
          return fail(seq, AuditVerificationResult.Problem.HEAD_MISMATCH, file, n,
              "line at the sealed head's seq " + seq + " does not have the sealed hash: the trail was replaced");
        }
        headSeen = true;
      }
      return null;
    }
  }
}

package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.KEY;
import static dev.kubeguard.core.audit.AuditTestEvents.KEYED;
import static dev.kubeguard.core.audit.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default (keyed) recorder's trail shows each kind of tampering to a verifier holding the
 * chain key, with no checkpoint configured; and the unkeyed opt-out shows none of them.
 */
class AuditTamperEvidenceTest {

  @TempDir Path dir;
  private Path file;
  private List<String> lines;

  @BeforeEach
  void recordFiveEventsWithTheDefaultConfiguration() throws Exception {
    file = dir.resolve("audit.jsonl");
    try (JsonlAuditRecorder r = JsonlAuditRecorder.builder().chainKey(KEY).path(file).build()) {
      for (int i = 1; i <= 5; i++) {
        r.record(event(i));
      }
    }
    lines = Files.readAllLines(file);
    assertThat(verify().summary()).isEqualTo("OK 5 events");
  }

  private AuditVerificationResult verify() {
    return AuditVerifier.verifyChain(file, KEYED);
  }

  private AuditVerificationResult verifyWithoutKey() {
    return AuditVerifier.verifyChain(file, AuditVerifier.Options.withoutChainKey());
  }

  @Test
  void aTrailLeftWithoutItsActiveFileByACrashRightAfterRotationVerifiesAndContinues() throws Exception {
    // the rotation renames the active file first; a crash before the new one is written leaves
    // only rotated files, while the sealed head keeps the active file's name
    Path rotated = dir.resolve("audit-00000000000000000001.jsonl");
    Files.move(file, rotated);

    assertThat(AuditVerifier.verify(ChainFiles.list(file), KEYED).summary()).isEqualTo("OK 5 events");
    try (JsonlAuditRecorder r = JsonlAuditRecorder.builder().chainKey(KEY).path(file).build()) {
      r.record(event(6));
    }
    assertThat(AuditVerifier.verify(ChainFiles.list(file), KEYED).summary()).isEqualTo("OK 6 events");
  }

  @Test
  void anEditedLineWithRecomputedHashesIsDetected() throws Exception {
    Files.write(file, TrailForgery.editAndRehash(lines, 2, lines.get(2).replace("\"alice\"", "\"mallory\"")));

    assertThat(verifyWithoutKey().ok()).as("the plain hash chain is fooled").isTrue();
    AuditVerificationResult r = verify();
    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.FORGED);
    assertThat(r.line()).isEqualTo(3);
  }

  @Test
  void aForgedAppendedLineIsDetected() throws Exception {
    List<String> forged = new ArrayList<>(lines);
    forged.add(TrailForgery.forgedNext(lines.get(4), "\"get\"", "\"delete\""));
    Files.write(file, forged);

    assertThat(verifyWithoutKey().ok()).isTrue();
    AuditVerificationResult r = verify();
    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.FORGED);
    assertThat(r.line()).isEqualTo(6);
  }

  @Test
  void aCutTailIsDetected() throws Exception {
    Files.write(file, lines.subList(0, 3));

    assertThat(verifyWithoutKey().ok()).isTrue();
    AuditVerificationResult r = verify();
    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.TRUNCATED_BEFORE_HEAD);
    assertThat(r.detail()).contains("ends at seq 3").contains("vouches for seq 5");
  }

  @Test
  void anEmptiedFileIsDetected() throws Exception {
    Files.write(file, new byte[0]);

    assertThat(verify().problem()).isEqualTo(AuditVerificationResult.Problem.TRUNCATED_BEFORE_HEAD);
    assertThat(verifyWithoutKey().problem()).isEqualTo(AuditVerificationResult.Problem.EMPTY_TRAIL);
  }

  @Test
  void aDeletedFileIsDetected() throws Exception {
    Files.delete(file);

    AuditVerificationResult r = verify();
    assertThat(r.ok()).isFalse();
    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.EMPTY_TRAIL);
    assertThat(r.detail()).contains("missing");
  }

  @Test
  void aFileReplacedByAnOlderCopyOfItselfIsDetected() throws Exception {
    Path older = dir.resolve("older.jsonl");
    Files.write(older, lines.subList(0, 2));
    Files.move(older, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(verify().problem()).isEqualTo(AuditVerificationResult.Problem.TRUNCATED_BEFORE_HEAD);
  }

  @Test
  void aFileReplacedByAnotherKeyedTrailIsDetected() throws Exception {
    Path other = dir.resolve("other");
    try (JsonlAuditRecorder r = JsonlAuditRecorder.builder().chainKey(KEY).path(other.resolve("audit.jsonl")).build()) {
      for (int i = 1; i <= 7; i++) {
        r.record(event(100 + i));
      }
    }
    Files.copy(other.resolve("audit.jsonl"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(verify().problem()).isEqualTo(AuditVerificationResult.Problem.HEAD_MISMATCH);
  }

  @Test
  void reorderedLinesAreDetected() throws Exception {
    List<String> swapped = new ArrayList<>(lines);
    java.util.Collections.swap(swapped, 1, 2);
    Files.write(file, swapped);

    assertThat(verify().ok()).isFalse();
  }

  @Test
  void aDeletedHeadIsDetected() throws Exception {
    Files.delete(HeadSeal.sidecar(file));

    assertThat(verify().problem()).isEqualTo(AuditVerificationResult.Problem.HEAD_MISSING);
  }

  @Test
  void anEditedHeadIsDetected() throws Exception {
    Path head = HeadSeal.sidecar(file);
    Files.writeString(head, Files.readString(head).replace("seq=00000000000000000005", "seq=00000000000000000003"));

    assertThat(verify().problem()).isEqualTo(AuditVerificationResult.Problem.BAD_HEAD);
  }

  @Test
  void theWrongKeyIsNamedAsSuch() {
    AuditVerificationResult r = AuditVerifier.verifyChain(file, AuditVerifier.Options.keyed(ChainKey.generate()));

    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.BAD_HEAD);
    assertThat(r.detail()).contains("wrong key");
  }

  @Test
  void anUnkeyedTrailFailsAKeyedVerification() throws Exception {
    Path dev = dir.resolve("dev/audit.jsonl");
    try (JsonlAuditRecorder r = JsonlAuditRecorder.builder().unkeyedForDevelopment().path(dev).build()) {
      r.record(event(1));
    }
    assertThat(AuditVerifier.verifyChain(dev, AuditVerifier.Options.withoutChainKey()).ok()).isTrue();
    assertThat(AuditVerifier.verifyChain(dev, KEYED).problem()).isEqualTo(AuditVerificationResult.Problem.HEAD_MISSING);
    assertThat(AuditVerifier.verify(List.of(dev), KEYED.withHeadFile(HeadSeal.sidecar(file))).problem())
        .isEqualTo(AuditVerificationResult.Problem.FORGED);
  }

  @Test
  void aRestartedRecorderRefusesToContinueACutTrail() throws Exception {
    Files.write(file, lines.subList(0, 3));

    assertThatThrownBy(() -> JsonlAuditRecorder.builder().chainKey(KEY).path(file).build())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ends at seq 3")
        .hasMessageContaining("seq 5");
    assertThat(verify().problem()).as("the evidence is still there")
        .isEqualTo(AuditVerificationResult.Problem.TRUNCATED_BEFORE_HEAD);
  }

  @Test
  void aRestartedRecorderRefusesATrailWhoseHeadWasDeleted() throws Exception {
    Files.delete(HeadSeal.sidecar(file));

    assertThatThrownBy(() -> JsonlAuditRecorder.builder().chainKey(KEY).path(file).build())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void aRestartedRecorderRefusesAForgedLastLine() throws Exception {
    List<String> forged = new ArrayList<>(lines);
    forged.add(TrailForgery.forgedNext(lines.get(4), "\"get\"", "\"list\""));
    Files.write(file, forged);

    assertThatThrownBy(() -> JsonlAuditRecorder.builder().chainKey(KEY).path(file).build())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("mac");
  }

  @Test
  void verifyRefusesAnEmptyOrMissingTrail() throws Exception {
    Path fresh = dir.resolve("fresh/audit.jsonl");
    JsonlAuditRecorder.builder().chainKey(KEY).path(fresh).build().close();

    assertThat(AuditVerifier.verifyChain(fresh, KEYED).problem()).isEqualTo(AuditVerificationResult.Problem.EMPTY_TRAIL);
    assertThat(AuditVerifier.verifyChain(dir.resolve("nowhere/audit.jsonl"), KEYED).problem())
        .isEqualTo(AuditVerificationResult.Problem.EMPTY_TRAIL);
    assertThat(AuditVerifier.verify(List.of(), KEYED).problem()).isEqualTo(AuditVerificationResult.Problem.EMPTY_TRAIL);
    assertThat(AuditVerifier.verify(List.of(dir.resolve("gone.jsonl")), AuditVerifier.Options.withoutChainKey()).detail())
        .contains("does not exist");
  }

  @Test
  void aRecorderWithoutAKeyIsABuildErrorSayingWhatToSet() {
    assertThatThrownBy(() -> JsonlAuditRecorder.builder().path(dir.resolve("x.jsonl")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("chainKey(ChainKey.fromFile(path))")
        .hasMessageContaining("KUBEGUARD_AUDIT_KEY")
        .hasMessageContaining("unkeyedForDevelopment()");
    assertThatThrownBy(
            () -> JsonlAuditRecorder.builder().path(dir.resolve("x.jsonl")).chainKey(KEY).unkeyedForDevelopment().build())
        .hasMessageContaining("not both");
  }

  @Test
  void keysAreReadFromAFileOrTheEnvironmentAndSayWhatIsWrong() throws Exception {
    Path keyFile = dir.resolve("audit.key");
    Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    assertThat(ChainKey.fromFile(keyFile).id()).hasSize(16);
    assertThat(ChainKey.fromFile(keyFile).toString()).doesNotContain("AAAA");

    Files.writeString(keyFile, "c2hvcnQ=");
    assertThatThrownBy(() -> ChainKey.fromFile(keyFile)).hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> ChainKey.fromEnv("KG_UNSET", java.util.Map.of()))
        .hasMessageContaining("KG_UNSET is not set");
    assertThatThrownBy(() -> ChainKey.fromEnv("K", java.util.Map.of("K", "not base64!")))
        .hasMessageContaining("base64");
  }
}

package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest {

  @TempDir Path dir;
  private Path file;
  private List<String> lines;

  @BeforeEach
  void recordFiveEvents() throws Exception {
    file = dir.resolve("audit.jsonl");
    try (JsonlAuditRecorder r = JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(file).build()) {
      for (int i = 1; i <= 5; i++) {
        r.record(event(i));
      }
    }
    lines = Files.readAllLines(file);
  }

  private AuditVerificationResult verifyWith(List<String> content) throws Exception {
    Files.write(file, content);
    return AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED);
  }

  @Test
  void namesTheEditedLine() throws Exception {
    List<String> edited = new ArrayList<>(lines);
    edited.set(2, edited.get(2).replace("\"alice\"", "\"alicf\""));

    AuditVerificationResult r = verifyWith(edited);

    assertThat(r.summary()).isEqualTo("BROKEN " + file + ":3: line edited (hash mismatch)");
    assertThat(r.eventCount()).isEqualTo(2);
  }

  @Test
  void saysHowManyLinesAreMissing() throws Exception {
    List<String> cut = new ArrayList<>(lines);
    cut.remove(1);
    cut.remove(1);

    AuditVerificationResult r = verifyWith(cut);

    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.MISSING);
    assertThat(r.line()).isEqualTo(2);
    assertThat(r.detail()).startsWith("2 line(s) missing");
  }

  @Test
  void reportsASwapAtTheFirstOutOfPlaceLine() throws Exception {
    List<String> swapped = new ArrayList<>(lines);
    Collections.swap(swapped, 1, 3);

    AuditVerificationResult r = verifyWith(swapped);

    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.MISSING); // seq 4 right after seq 1
    assertThat(r.line()).isEqualTo(2);
    Collections.swap(swapped, 1, 3);
    Collections.swap(swapped, 3, 4);
    assertThat(verifyWith(swapped).problem()).isEqualTo(AuditVerificationResult.Problem.MISSING);
  }

  @Test
  void reportsADuplicatedLineAsInsertedOrReordered() throws Exception {
    List<String> dup = new ArrayList<>(lines);
    dup.add(3, lines.get(1));

    AuditVerificationResult r = verifyWith(dup);

    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.REORDERED);
    assertThat(r.line()).isEqualTo(4);
  }

  @Test
  void reportsALineThatIsNotAnEvent() throws Exception {
    List<String> junk = new ArrayList<>(lines);
    junk.add(2, "hello");

    assertThat(verifyWith(junk).problem()).isEqualTo(AuditVerificationResult.Problem.MALFORMED);
  }

  @Test
  void distinguishesAnIncompleteLastLineFromTamperingAndToleratesItOnRequest() throws Exception {
    Files.write(file, lines.get(4).substring(0, 40).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    AuditVerificationResult strict = AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED);
    AuditVerificationResult tolerant =
        AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED.toleratingIncompleteLastLine());

    assertThat(strict.ok()).isFalse();
    assertThat(strict.problem()).isEqualTo(AuditVerificationResult.Problem.INCOMPLETE_LAST_LINE);
    assertThat(strict.line()).isEqualTo(6);
    assertThat(strict.eventCount()).isEqualTo(5);
    assertThat(tolerant.ok()).isTrue();
    assertThat(tolerant.problem()).isEqualTo(AuditVerificationResult.Problem.INCOMPLETE_LAST_LINE);
  }

  @Test
  void aChainMustStartAtItsFirstLine() throws Exception {
    AuditVerificationResult r = verifyWith(lines.subList(1, 5));

    assertThat(r.problem()).isEqualTo(AuditVerificationResult.Problem.GAP_BETWEEN_FILES);
    assertThat(r.detail()).contains("does not start at seq 1");
  }
}

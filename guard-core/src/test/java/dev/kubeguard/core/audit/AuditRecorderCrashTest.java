package dev.kubeguard.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer process killed mid-stream loses no acknowledged event and leaves a verifiable chain. */
class AuditRecorderCrashTest {

  @TempDir Path dir;

  @Test
  void killingTheWriterProcessLosesNoAcknowledgedEvent() throws Exception {
    Path active = dir.resolve("audit.jsonl");
    Path acks = dir.resolve("acks.txt");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                CrashingAuditWriter.class.getName(), active.toString())
            .redirectOutput(acks.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Files.size(acks) < 2_000 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(child.isAlive()).as("writer still writing when killed").isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL while it keeps writing
      child.waitFor(30, TimeUnit.SECONDS);
    }
    // Each line of acks.txt was printed after record() returned; the last may itself be cut short.
    List<String> printed = Files.readAllLines(acks);
    long lastAcked = 0;
    for (String l : printed) {
      if (!l.isBlank()) {
        lastAcked = Math.max(lastAcked, Long.parseLong(l.trim()));
      }
    }
    assertThat(lastAcked).isGreaterThanOrEqualTo(300);

    List<Path> files = ChainFiles.list(active);
    AuditVerificationResult result =
        AuditVerifier.verify(files, AuditTestEvents.KEYED.toleratingIncompleteLastLine());

    assertThat(result.ok()).as(result.summary()).isTrue();
    assertThat(result.problem()).isIn(null, AuditVerificationResult.Problem.INCOMPLETE_LAST_LINE);
    assertThat(result.eventCount()).isGreaterThanOrEqualTo(lastAcked);
    assertThat(auditIds(files).subList(0, (int) lastAcked))
        .as("every acknowledged event, in order")
        .isEqualTo(expectedIds(lastAcked));

    // and a new recorder continues the same chain after the crash
    try (JsonlAuditRecorder r = JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(active).maxFileBytes(16_384).build()) {
      r.record(AuditTestEvents.event(100_000));
    }
    AuditVerificationResult after = AuditVerifier.verify(ChainFiles.list(active), AuditTestEvents.KEYED);
    assertThat(after.summary()).isEqualTo("OK " + (result.eventCount() + 1) + " events");
  }

  private static List<String> auditIds(List<Path> files) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Path f : files) {
      for (String l : Files.readAllLines(f)) {
        if (l.endsWith("}}")) {
          ids.add(AuditEventJson.fromJson(l).auditId());
        }
      }
    }
    return ids;
  }

  private static List<String> expectedIds(long n) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add("audit-" + i);
    }
    return ids;
  }
}

package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.KEY;
import static dev.kubeguard.core.audit.AuditTestEvents.KEYED;
import static dev.kubeguard.core.audit.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.spi.RecordingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active file deleted or replaced while the recorder holds it open: every acknowledged event
 * stays in the trail at the path, which verifies, and the recorder goes on (RECOVER, the default)
 * or stops so the Guard denies (FAIL).
 */
class ActiveFileLossTest {

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("audit.jsonl");
  }

  private JsonlAuditRecorder.Builder recorder() {
    return JsonlAuditRecorder.builder().chainKey(KEY).path(file());
  }

  private List<String> auditIds() throws Exception {
    return Files.readAllLines(file()).stream()
        .map(l -> AuditEventJson.fromJson(l).auditId())
        .toList();
  }

  private void replaceWithAnotherFile() throws Exception {
    Path other = dir.resolve("intruder.jsonl");
    Files.writeString(other, "{\"kind\":\"Event\",\"auditID\":\"forged\"}\n");
    Files.move(other, file(), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aDeletedActiveFileIsRestoredAndNoAcknowledgedEventIsLost() throws Exception {
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(1));
      r.record(event(2));
      Files.delete(file());
      r.record(event(3));
      r.record(event(4));
    }

    assertThat(auditIds()).containsExactly("audit-1", "audit-2", "audit-3", "audit-4");
    assertThat(AuditVerifier.verifyChain(file(), KEYED).summary()).isEqualTo("OK 4 events");
  }

  @Test
  void aReplacedActiveFileIsRestoredAndTheReplacementKeptAside() throws Exception {
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(1));
      r.record(event(2));
      replaceWithAnotherFile();
      r.record(event(3));
    }

    assertThat(auditIds()).containsExactly("audit-1", "audit-2", "audit-3");
    assertThat(AuditVerifier.verifyChain(file(), KEYED).summary()).isEqualTo("OK 3 events");
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> displaced = s.filter(p -> p.getFileName().toString().startsWith("audit.jsonl.displaced-")).toList();
      assertThat(displaced).hasSize(1);
      assertThat(Files.readString(displaced.get(0))).contains("forged");
    }
  }

  @Test
  void aFileDeletedAfterTheLastEventIsRestoredAtClose() throws Exception {
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(1));
      Files.delete(file());
    }

    assertThat(AuditVerifier.verifyChain(file(), KEYED).summary()).isEqualTo("OK 1 events");
  }

  @Test
  void aDeletedActiveFileUnderFailIsRestoredAndLaterRecordsThrow() throws Exception {
    JsonlAuditRecorder r = recorder().onActiveFileLost(ActiveFileLoss.FAIL).build();
    r.record(event(1));
    r.record(event(2));
    Files.delete(file());

    assertThatThrownBy(() -> r.record(event(3)))
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("deleted");
    assertThatThrownBy(() -> r.record(event(4))).isInstanceOf(RecordingException.class);
    assertThatThrownBy(r::close).isInstanceOf(RecordingException.class);

    assertThat(auditIds()).containsExactly("audit-1", "audit-2");
    assertThat(AuditVerifier.verifyChain(file(), KEYED).summary()).isEqualTo("OK 2 events");
  }

  @Test
  void aReplacedActiveFileUnderFailIsRestoredAndLaterRecordsThrow() throws Exception {
    JsonlAuditRecorder r = recorder().onActiveFileLost(ActiveFileLoss.FAIL).build();
    r.record(event(1));
    replaceWithAnotherFile();

    assertThatThrownBy(() -> r.record(event(2)))
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("replaced");
    assertThatThrownBy(r::close).isInstanceOf(RecordingException.class);

    assertThat(auditIds()).containsExactly("audit-1");
    assertThat(AuditVerifier.verifyChain(file(), KEYED).summary()).isEqualTo("OK 1 events");
  }

  @Test
  void theChainContinuesAcrossARestartAfterARecovery() throws Exception {
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(1));
      Files.delete(file());
      r.record(event(2));
    }
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(3));
    }

    assertThat(AuditVerifier.verifyChain(file(), KEYED).summary()).isEqualTo("OK 3 events");
  }
}

package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderCompositeTest {

  @TempDir Path dir;

  @Test
  void recordsToEveryRecorderInOrder() throws Exception {
    try (Recorder c =
        Recorder.composite(
            JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(dir.resolve("a.jsonl")).build(),
            JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(dir.resolve("b.jsonl")).build())) {
      c.record(event(1));
      c.record(event(2));
    }
    assertThat(AuditVerifier.verify(List.of(dir.resolve("a.jsonl")), AuditTestEvents.KEYED).eventCount()).isEqualTo(2);
    assertThat(AuditVerifier.verify(List.of(dir.resolve("b.jsonl")), AuditTestEvents.KEYED).eventCount()).isEqualTo(2);
  }

  @Test
  void failsWhenOneRecorderCannotAcceptAndLaterOnesDoNotSeeTheEvent() throws Exception {
    JsonlAuditRecorder first = JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(dir.resolve("a.jsonl")).build();
    JsonlAuditRecorder broken = JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(dir.resolve("b.jsonl")).build();
    JsonlAuditRecorder last = JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(dir.resolve("c.jsonl")).build();
    broken.close();
    Recorder c = Recorder.composite(first, broken, last);

    assertThatThrownBy(() -> c.record(event(1))).isInstanceOf(RecordingException.class).hasMessageContaining("closed");

    c.close();
    assertThat(Files.readAllLines(dir.resolve("a.jsonl"))).hasSize(1);
    assertThat(Files.readAllLines(dir.resolve("c.jsonl"))).isEmpty();
  }

  @Test
  void needsAtLeastOneRecorder() {
    assertThatThrownBy(() -> Recorder.composite(List.of())).hasMessageContaining("at least one");
  }
}

package dev.kubeguard.core;

import static dev.kubeguard.core.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.spi.RecordingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompositeRecorderTest {

  @TempDir Path dir;

  @Test
  void recordsToEveryRecorderInOrder() throws Exception {
    try (CompositeRecorder c =
        CompositeRecorder.of(
            JsonlAuditRecorder.builder().path(dir.resolve("a.jsonl")).build(),
            JsonlAuditRecorder.builder().path(dir.resolve("b.jsonl")).build())) {
      c.record(event(1));
      c.record(event(2));
    }
    assertThat(AuditVerifier.verify(List.of(dir.resolve("a.jsonl"))).eventCount()).isEqualTo(2);
    assertThat(AuditVerifier.verify(List.of(dir.resolve("b.jsonl"))).eventCount()).isEqualTo(2);
  }

  @Test
  void failsWhenOneRecorderCannotAcceptAndLaterOnesDoNotSeeTheEvent() throws Exception {
    JsonlAuditRecorder first = JsonlAuditRecorder.builder().path(dir.resolve("a.jsonl")).build();
    JsonlAuditRecorder broken = JsonlAuditRecorder.builder().path(dir.resolve("b.jsonl")).build();
    JsonlAuditRecorder last = JsonlAuditRecorder.builder().path(dir.resolve("c.jsonl")).build();
    broken.close();
    CompositeRecorder c = CompositeRecorder.of(first, broken, last);

    assertThatThrownBy(() -> c.record(event(1))).isInstanceOf(RecordingException.class).hasMessageContaining("closed");

    c.close();
    assertThat(Files.readAllLines(dir.resolve("a.jsonl"))).hasSize(1);
    assertThat(Files.readAllLines(dir.resolve("c.jsonl"))).isEmpty();
  }

  @Test
  void needsAtLeastOneRecorder() {
    assertThatThrownBy(() -> CompositeRecorder.of(List.of())).hasMessageContaining("at least one");
  }
}

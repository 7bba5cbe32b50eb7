package dev.kubeguard.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonWriterTest {

  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, widened so the formatter's fallback is drawn too.
  private static final long YEAR_1 = -62_135_596_800L;
  private static final long YEAR_9999_END = 253_402_300_799L;

  @Test
  void timestampsAreTheTextKubernetesMicroTimeFormattingGivesForAnyInstant() {
    qt().forAll(longs().between(YEAR_1 - 86_400L * 800, YEAR_9999_END + 86_400L * 800), integers().between(0, 999_999_999))
        .checkAssert((second, nano) -> {
          Instant t = Instant.ofEpochSecond(second, nano);
          JsonNode json = EventJsonReader.parseTree(new String(EventJsonWriter.write(eventAt(t)), StandardCharsets.UTF_8));
          assertThat(json.path("requestReceivedTimestamp").asText()).isEqualTo(EventJsonWriter.MICRO_TIME.format(t));
          assertThat(json.path("stageTimestamp").asText()).isEqualTo(EventJsonWriter.MICRO_TIME.format(t));
        });
  }

  @Test
  void annotationsAreWrittenSortedByKey() {
    AuditEvent e = eventAt(AuditTestEvents.T0);
    String line = new String(EventJsonWriter.writeOpen(e).prefix(), StandardCharsets.UTF_8);
    assertThat(line).endsWith("\"annotations\":{\"a\":\"1\",\"kubeguard.dev/b\":\"2\",\"z\":\"3\"");
  }

  private static AuditEvent eventAt(Instant t) {
    return new AuditEvent(
        AuditLevel.METADATA, "id", AuditEvent.Stage.ResponseComplete, "/api/v1/pods", "list",
        Identity.of("alice"), null, List.of(), "", null, null, null, null, t, t,
        Map.of("z", "3", "a", "1", "kubeguard.dev/b", "2", ChainLine.SEQ, "99"));
  }
}

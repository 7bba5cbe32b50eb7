package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.spi.RecordingException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs against slf4j-simple, which writes to the current System.err and reads levels from system properties. */
class Slf4jAuditRecorderTest {

  @Test
  void logsTheEventsKubeJsonAtInfo() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Slf4jAuditRecorder.named("kubeguard.audit.test-on").record(event(7));
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("INFO kubeguard.audit.test-on")
        .contains(AuditEventJson.toJson(event(7)));
  }

  @Test
  void refusesEventsWhenItsLoggerWouldDropThem() {
    System.setProperty("org.slf4j.simpleLogger.log.kubeguard.audit.test-off", "warn");
    Slf4jAuditRecorder off = Slf4jAuditRecorder.named("kubeguard.audit.test-off");

    assertThatThrownBy(() -> off.record(event(1)))
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("INFO disabled");
  }
}

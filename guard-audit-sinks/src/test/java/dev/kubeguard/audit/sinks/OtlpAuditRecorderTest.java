package dev.kubeguard.audit.sinks;

import static dev.kubeguard.audit.sinks.SinkTestEvents.await;
import static dev.kubeguard.audit.sinks.SinkTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpAuditRecorderTest {

  @TempDir Path dir;
  private OtlpReceiver receiver;
  private JsonlAuditRecorder chain;
  private OtlpAuditRecorder otlp;

  @BeforeEach
  void start() throws Exception {
    receiver = new OtlpReceiver();
    chain = SinkTestEvents.chain(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (otlp != null) {
      otlp.close();
    }
    chain.close();
    receiver.close();
  }

  private OtlpAuditRecorder.Builder otlp() {
    return OtlpAuditRecorder.builder()
        .endpoint(receiver.uri())
        .chain(chain)
        .batch(4, Duration.ofMillis(20))
        .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .closeTimeout(Duration.ofSeconds(2));
  }

  private static Map<String, AnyValue> attributes(List<KeyValue> kvs) {
    Map<String, AnyValue> m = new HashMap<>();
    kvs.forEach(kv -> m.put(kv.getKey(), kv.getValue()));
    return m;
  }

  private List<String> auditIds() {
    return receiver.received().stream()
        .map(r -> attributes(r.record().getAttributesList()).get("kubeguard.audit_id").getStringValue())
        .toList();
  }

  private static List<String> ids(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "audit-" + i).toList();
  }

  @Test
  void eachEventIsOneOtlpLogRecordWithSemanticAttributesAndTheEventJsonAsBody() throws Exception {
    otlp = otlp().build();
    Recorder both = Recorder.composite(chain, otlp);
    for (int i = 1; i <= 3; i++) {
      both.record(event(i));
    }
    await("3 records", () -> receiver.received().size() == 3);

    LogRecord second = receiver.received().get(1).record();
    Map<String, AnyValue> a = attributes(second.getAttributesList());
    assertThat(a.get("k8s.namespace.name").getStringValue()).isEqualTo("team-a");
    assertThat(a.get("user.name").getStringValue()).isEqualTo("alice");
    assertThat(a.get("http.request.method").getStringValue()).isEqualTo("GET");
    assertThat(a.get("url.path").getStringValue()).isEqualTo("/api/v1/namespaces/team-a/secrets/s2");
    assertThat(a.get("http.response.status_code").getIntValue()).isEqualTo(200);
    assertThat(a.get("kubeguard.audit_id").getStringValue()).isEqualTo("audit-2");
    assertThat(a.get("kubeguard.chain.seq").getIntValue()).isEqualTo(2);
    assertThat(a.get("kubeguard.replica").getStringValue()).isEqualTo("mcp-0");
    assertThat(a.get("kubeguard.decision").getStringValue()).isEqualTo("allow");
    assertThat(a.get("kubeguard.verb").getStringValue()).isEqualTo("get");
    assertThat(second.getEventName()).isEqualTo("kubeguard.audit");
    assertThat(second.getTimeUnixNano()).isEqualTo(
        (SinkTestEvents.T0.getEpochSecond() * 1_000_000_000L + SinkTestEvents.T0.getNano()) + 3_000_000L);

    JsonNode body = new ObjectMapper().readTree(second.getBody().getStringValue());
    assertThat(body.path("kind").asText()).isEqualTo("Event");
    assertThat(body.path("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
    assertThat(body.path("auditID").asText()).isEqualTo("audit-2");
    assertThat(body.at("/annotations/kubeguard.dev~1chain-seq").asText()).isEqualTo("2");

    Map<String, AnyValue> resource = attributes(receiver.received().get(1).resource().getAttributesList());
    assertThat(resource.get("service.name").getStringValue()).isEqualTo("kubeguard");
    assertThat(resource.get("service.instance.id").getStringValue()).isEqualTo("mcp-0");
  }

  @Test
  void batchesRefusedWith500Or429OrSentToADownCollectorAreRetriedAndArriveOnceInOrder() throws Exception {
    receiver.script(500, 429, 503, 500);
    otlp = otlp().build();
    Recorder both = Recorder.composite(chain, otlp);
    for (int i = 1; i <= 6; i++) {
      both.record(event(i));
    }
    await("first part exported", () -> otlp.exportedCount() == 6);
    receiver.stop();
    for (int i = 7; i <= 12; i++) {
      both.record(event(i));
    }
    receiver.start();
    receiver.script(-300); // slow, within the export timeout
    for (int i = 13; i <= 14; i++) {
      both.record(event(i));
    }

    await("all exported", () -> otlp.exportedCount() == 14);
    assertThat(auditIds()).containsExactlyElementsOf(ids(1, 14));
  }

  @Test
  void aFullQueueDeniesUnderDenyAndDropsWithAnAuditedCountUnderDrop() throws Exception {
    receiver.stop();
    otlp = otlp().queueCapacity(3).build();
    Recorder both = Recorder.composite(chain, otlp);
    for (int i = 1; i <= 3; i++) {
      both.record(event(i));
    }
    assertThatThrownBy(() -> both.record(event(4)))
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("queue is full (3 records");
    otlp.close();

    receiver.start();
    otlp = otlp().endpoint(receiver.uri()).queueCapacity(3).whenFull(WhenFull.DROP).build();
    receiver.stop();
    Recorder dropping = Recorder.composite(chain, otlp);
    for (int i = 5; i <= 9; i++) {
      dropping.record(event(i)); // 8 and 9 find it full
    }
    assertThat(otlp.droppedCount()).isEqualTo(2);
    receiver.start();
    await("backlog and the drop report", () -> otlp.exportedCount() == 4);
    LogRecord report = receiver.received().get(3).record();
    Map<String, AnyValue> a = attributes(report.getAttributesList());
    assertThat(a.get("kubeguard.sink_dropped").getStringValue()).isEqualTo("2");
    assertThat(a.get("kubeguard.sink_dropped_chain_seqs").getStringValue()).isEqualTo("8-9");
  }

  @Test
  void theBuilderSaysWhatToFix() throws Exception {
    assertThatThrownBy(() -> OtlpAuditRecorder.builder().endpoint(receiver.uri()).build())
        .hasMessageContaining("chain(");
    assertThatThrownBy(() -> otlp().endpoint(URI.create("ftp://x")).build()).hasMessageContaining("http://");
    assertThatThrownBy(() -> otlp().header("Authorization", "Bearer x").build()).hasMessageContaining("plain http");
    assertThatThrownBy(() -> otlp().queueCapacity(0).build()).hasMessageContaining("queueCapacity");
  }
}

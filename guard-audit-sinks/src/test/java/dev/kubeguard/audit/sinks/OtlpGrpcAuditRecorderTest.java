package dev.kubeguard.audit.sinks;

import static dev.kubeguard.audit.sinks.SinkTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.Protocol;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTLP/gRPC against a real HTTP/2 server speaking the gRPC framing, decoded with the proto classes. */
class OtlpGrpcAuditRecorderTest {

  @TempDir Path dir;

  private static MockResponse grpc(int status) {
    // An empty ExportLogsServiceResponse in one uncompressed gRPC frame, status in the trailers.
    return new MockResponse.Builder()
        .code(200)
        .addHeader("content-type", "application/grpc")
        .body(new Buffer().write(new byte[] {0, 0, 0, 0, 0}))
        .trailers(Headers.of("grpc-status", Integer.toString(status)))
        .build();
  }

  @Test
  void exportsEachEventOverGrpcAndRetriesAnUnavailableCollector() throws Exception {
    try (MockWebServer server = new MockWebServer(); JsonlAuditRecorder chain = SinkTestEvents.chain(dir)) {
      server.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
      server.enqueue(grpc(14)); // UNAVAILABLE
      for (int i = 0; i < 10; i++) {
        server.enqueue(grpc(0));
      }
      server.start();
      URI endpoint = URI.create("http://" + server.getHostName() + ":" + server.getPort());
      List<String> ids = new ArrayList<>();
      try (OtlpAuditRecorder otlp =
          OtlpAuditRecorder.builder().protocol(OtlpAuditRecorder.Protocol.GRPC).endpoint(endpoint).chain(chain)
              .batch(10, Duration.ofMillis(20)).backoff(Duration.ofMillis(5), Duration.ofMillis(50)).build()) {
        Recorder both = Recorder.composite(chain, otlp);
        for (int i = 1; i <= 3; i++) {
          both.record(event(i));
        }
        SinkTestEvents.await("exported", () -> otlp.exportedCount() == 3);
      }
      List<String> seenOnAccepted = new ArrayList<>();
      for (int n = 0; n < server.getRequestCount(); n++) {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getUrl().encodedPath()).isEqualTo("/opentelemetry.proto.collector.logs.v1.LogsService/Export");
        byte[] frame = r.getBody().toByteArray();
        int len = ByteBuffer.wrap(frame, 1, 4).getInt();
        ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(ByteBuffer.wrap(frame, 5, len));
        List<String> batch = new ArrayList<>();
        for (var rl : req.getResourceLogsList()) {
          for (var sl : rl.getScopeLogsList()) {
            for (LogRecord lr : sl.getLogRecordsList()) {
              for (KeyValue kv : lr.getAttributesList()) {
                if (kv.getKey().equals("kubeguard.audit_id")) {
                  batch.add(kv.getValue().getStringValue());
                }
              }
            }
          }
        }
        if (n == 0) {
          ids.addAll(batch); // what the unavailable collector saw and refused
        } else {
          seenOnAccepted.addAll(batch);
        }
      }
      assertThat(ids).isNotEmpty();
      assertThat(seenOnAccepted).containsExactly("audit-1", "audit-2", "audit-3");
    }
  }
}

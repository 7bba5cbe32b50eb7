package dev.kubeguard.bench;

import com.sun.net.httpserver.HttpServer;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.audit.sinks.OtlpAuditRecorder;
import dev.kubeguard.audit.sinks.WebhookAuditRecorder;
import dev.kubeguard.audit.sinks.WebhookConfig;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Audit events per second accepted by {@code Recorder.composite(chain, sink)} from four request
 * threads, the chain alone being the baseline in the same run: {@code chain} (the keyed
 * hash-chained file, interval fsync), {@code webhook} ({@link WebhookAuditRecorder}: every event
 * also fsynced into its spool, then POSTed as EventList batches), {@code otlp}
 * ({@link OtlpAuditRecorder}, OTLP/HTTP protobuf). The endpoints are local JDK HTTP servers that
 * answer 200 at once, so the figure is the sinks' own cost, not a network's. Buffers are large
 * enough that no iteration fills them; the teardown prints how far delivery kept up.
 *
 * <p>Run: {@code java -jar guard-bench/target/benchmarks.jar AuditSink -f 1 -wi 1 -w 2s -i 3 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class AuditSinkBenchmark {

  @Param({"chain", "webhook", "otlp"})
  public String sink;

  private Path dir;
  private HttpServer server;
  private JsonlAuditRecorder chain;
  private WebhookAuditRecorder webhook;
  private OtlpAuditRecorder otlp;
  private Recorder recorder;
  private final AuditEvent event = SampleAuditEvent.of();

  @Setup(Level.Iteration)
  public void open() throws IOException {
    dir = Files.createTempDirectory("kubeguard-sink-bench");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", ex -> {
      try (ex) {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(200, -1);
      }
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    chain =
        JsonlAuditRecorder.builder().path(dir.resolve("audit.jsonl")).chainKey(ChainKey.generate()).replicaId("bench-0")
            .durability(Durability.interval(Duration.ofMillis(100))).maxFileBytes(64L << 20)
            .offerTimeout(Duration.ofSeconds(1)).ackTimeout(Duration.ofMinutes(1)).build();
    switch (sink) {
      case "webhook" -> {
        webhook =
            WebhookAuditRecorder.builder().config(WebhookConfig.plainHttp(URI.create(base + "/audit"))).chain(chain)
                .spool(dir.resolve("spool"), ChainKey.generate())
                .batching(WebhookAuditRecorder.Batching.defaults().withBufferSize(1_000_000)
                    .withMaxBatch(400, Duration.ofMillis(50)).withThrottle(0, 1))
                .closeTimeout(Duration.ofMinutes(1)).build();
        recorder = Recorder.composite(chain, webhook);
      }
      case "otlp" -> {
        otlp =
            OtlpAuditRecorder.builder().endpoint(URI.create(base + "/v1/logs")).chain(chain).queueCapacity(2_000_000)
                .batch(512, Duration.ofMillis(50)).closeTimeout(Duration.ofMinutes(1)).build();
        recorder = Recorder.composite(chain, otlp);
      }
      default -> recorder = chain;
    }
  }

  @TearDown(Level.Iteration)
  public void close() throws Exception {
    if (webhook != null) {
      System.out.printf("%n  webhook: %d spooled, %d acknowledged by the endpoint when the iteration ended%n",
          webhook.spooledSeq(), webhook.deliveredSeq());
      webhook.close();
      webhook = null;
    }
    if (otlp != null) {
      System.out.printf("%n  otlp: %d exported when the iteration ended%n", otlp.exportedCount());
      otlp.close();
      otlp = null;
    }
    chain.close();
    server.stop(0);
    TempDirs.delete(dir);
  }

  @Benchmark
  public void record() throws RecordingException {
    recorder.record(event);
  }

}

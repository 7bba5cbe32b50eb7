package dev.kubeguard.bench;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Audit events per second through {@link JsonlAuditRecorder} from four request threads, under
 * each {@link Durability}: {@code default} ({@link Durability#DEFAULT}: record() returns once the
 * line is written to the operating system, fsync every second in the background),
 * {@code per-event} (record() returns after the group-committed fsync; four threads share each
 * fsync at most four ways, so that score is about four times the disk's fsync rate) and
 * {@code interval-100ms} (record() returns once queued). Target: 200,000 events/s with interval
 * fsync. The recorder and its files are rebuilt for every iteration so disk use stays bounded.
 *
 * <p>Run: {@code java -jar guard-bench/target/benchmarks.jar 'AuditRecorderBenchmark.record$' -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc};
 * time on the request thread, one caller: add {@code -bm avgt -tu us -t 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class AuditRecorderBenchmark {

  @Param({"default", "per-event", "interval-100ms"})
  public String durability;

  private Path dir;
  private JsonlAuditRecorder recorder;
  private final AuditEvent event = SampleAuditEvent.of();

  @Setup(Level.Iteration)
  public void open() throws IOException {
    dir = Files.createTempDirectory("kubeguard-audit-bench");
    recorder =
        JsonlAuditRecorder.builder()
            .path(dir.resolve("audit.jsonl"))
            .chainKey(ChainKey.generate()) // the default keyed chain: one HMAC per line
            .maxFileBytes(64L << 20)
            .durability(durability())
            // The default queue: a larger one would let callers run ahead of the disk for a while.
            .queueCapacity(8192)
            // Long enough that a writer starved by a loaded machine slows the callers (back-pressure,
            // which is what is measured) instead of failing the iteration.
            .offerTimeout(Duration.ofSeconds(30))
            // close() at the end of an iteration drains the queue; give a loaded disk time.
            .ackTimeout(Duration.ofMinutes(1))
            .build();
  }

  private Durability durability() {
    return switch (durability) {
      case "default" -> Durability.DEFAULT;
      case "per-event" -> Durability.perEvent();
      case "interval-100ms" -> Durability.interval(Duration.ofMillis(100));
      default -> throw new IllegalArgumentException("unknown durability param " + durability);
    };
  }

  @TearDown(Level.Iteration)
  public void close() throws Exception {
    recorder.close();
    TempDirs.delete(dir);
  }

  @Benchmark
  public void record() throws RecordingException {
    recorder.record(event);
  }

}

package dev.kubeguard.bench;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import dev.kubeguard.core.ResponseStream;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.policy.GuardPolicyEngine;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.testkit.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Guard alone, no network, through its public API exactly as an adapter drives it: build the
 * {@link KubeRequest} of {@code GET /api/v1/namespaces/shop/secrets/db-creds} from wire headers,
 * {@link Guard#begin} (wire rules, classification, a decision against ~1,000 rules of {@link
 * PolicyCorpus} plus the RoleBinding that allows it, the request event), read the headers to set
 * and drop, {@link GuardedExchange#respond} with the real {@code secret-get} capture written in
 * one chunk through the masking stream into a sink, {@link ResponseStream#finish} (the response
 * event). The budget for a small request is 10 us and 4 KB allocated: run with
 * {@code -prof gc} and read {@code gc.alloc.rate.norm} beside the time.
 *
 * <p>{@code recorder}: {@code none} (no recorder: decision and masking only), {@code jsonl-default}
 * (a {@link JsonlAuditRecorder} in a temp dir at the durability its builder defaults to, with a
 * generated chain key, as the README's quick start builds it), {@code jsonl-interval} (the same
 * with {@code Durability.interval(100 ms)}). {@link #overhead} is the whole request;
 * {@link #decideOnly} stops after {@code begin} (the request event still recorded), so the
 * difference is the response side.
 *
 * <pre>
 * ./mvnw -B -o -q -pl guard-bench -am package -DskipTests
 * java -jar guard-bench/target/benchmarks.jar 'GuardOverhead' -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 *
 * Setup makes 20,000 requests before JMH's warm-up (the path compiled, not the clock run down) and
 * fails if the request is not allowed or the response not masked.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GuardOverheadBenchmark {

  @Param({"none", "jsonl-default", "jsonl-interval"})
  public String recorder;

  private static final Identity CALLER = Identity.of("bench@example.com", "team-0", Identity.AUTHENTICATED);
  private static final String PATH = "/api/v1/namespaces/shop/secrets/db-creds";
  private static final int WARMUP_CALLS = 20_000;

  private Guard guard;
  private JsonlAuditRecorder jsonl;
  private Path auditDir;
  private byte[] secret;
  private final CallContext context = CallContext.forTool("get_secret", "bench-session");
  private final CountingSink sink = new CountingSink();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    GuardPolicyEngine policy = PolicyLoader.fromYaml("generated-1000-plus-shop-readers.yaml",
        new PolicyCorpus(1000).yaml + GuardedClientBenchmark.SHOP_READERS);
    Attributes asked = Attributes.resource("get", "", "v1", "secrets", "", "shop", "db-creds");
    Decision d = policy.decide(CALLER, asked);
    if (d.effect() != Decision.Effect.ALLOW) {
      throw new IllegalStateException("the benchmark policy must allow " + asked + " but says " + d);
    }
    Guard.Builder b = Guard.builder().policy(policy).masker(DefaultMasker.builder().randomKey().build());
    if (!"none".equals(recorder)) {
      auditDir = Files.createTempDirectory("kubeguard-guard-overhead-bench");
      JsonlAuditRecorder.Builder r = JsonlAuditRecorder.builder().path(auditDir.resolve("audit.jsonl"))
          .chainKey(ChainKey.generate()).maxFileBytes(64L << 20);
      switch (recorder) {
        case "jsonl-default" -> { } // whatever this build's default is: what a user gets
        case "jsonl-interval" -> r.durability(Durability.interval(Duration.ofMillis(100)));
        default -> throw new IllegalArgumentException("unknown recorder " + recorder);
      }
      jsonl = r.build();
      b.recorder(jsonl);
    }
    guard = b.build();
    secret = Fixtures.bytes("secret-get.json");
    checkMaskedAndRecorded();
    long start = System.nanoTime();
    for (int i = 0; i < WARMUP_CALLS; i++) {
      overhead();
    }
    System.out.printf("%nwarm-up: %,d requests in %,d ms%n", WARMUP_CALLS, (System.nanoTime() - start) / 1_000_000);
  }

  private void checkMaskedAndRecorded() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GuardedExchange exchange = guard.begin(CALLER, request(), context);
    if (!exchange.allowed()) {
      throw new IllegalStateException("the Guard denied the benchmark's request: " + exchange.message());
    }
    GuardedExchange.Reply reply = exchange.respond(200, "application/json", null, false, chunk -> {
      byte[] bytes = new byte[chunk.remaining()];
      chunk.get(bytes);
      out.write(bytes);
    });
    if (!(reply instanceof GuardedExchange.Reply.Pass pass)) {
      throw new IllegalStateException("the Guard withheld the capture: " + reply);
    }
    pass.body().write(ByteBuffer.wrap(secret));
    pass.body().finish();
    if (pass.body().maskedCount() == 0 || Arrays.equals(out.toByteArray(), secret)) {
      throw new IllegalStateException("secret-get came out unmasked: the masker is not in the path");
    }
    String masked = out.toString(StandardCharsets.UTF_8);
    if (masked.contains("UzNjcjN0LVBhNTV3MHJkIQ==")) {
      throw new IllegalStateException("db-creds' password came out unmasked");
    }
    if (jsonl != null) {
      jsonl.sync();
      if (Files.size(auditDir.resolve("audit.jsonl")) == 0) {
        throw new IllegalStateException("the recording Guard wrote no audit event");
      }
    }
  }

  /** The request as an adapter hands it over: its headers as sent, credentials dropped by KubeRequest. */
  private static KubeRequest request() {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Accept", List.of("application/json"));
    headers.put("Authorization", List.of("Bearer bench-token"));
    headers.put("User-Agent", List.of("fabric8-kubernetes-client/7.9.0"));
    return new KubeRequest("GET", PATH, headers, null);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (jsonl != null) {
      jsonl.close();
      TempDirs.delete(auditDir);
    }
  }

  /** One whole small request: judged, recorded, its response masked and recorded. */
  @Benchmark
  public long overhead() throws Exception {
    GuardedExchange exchange = guard.begin(CALLER, request(), context);
    if (!exchange.allowed()) {
      throw new IllegalStateException("denied: " + exchange.message());
    }
    long headers = exchange.headersToSet().size() + exchange.headersToDrop().size();
    GuardedExchange.Reply reply = exchange.respond(200, "application/json", null, false, sink);
    ResponseStream body = ((GuardedExchange.Reply.Pass) reply).body();
    body.write(ByteBuffer.wrap(secret));
    body.finish();
    return headers + body.maskedCount() + sink.bytes;
  }

  /** The request side alone: judged and its request event recorded, no response. */
  @Benchmark
  public boolean decideOnly() {
    return guard.begin(CALLER, request(), context).allowed();
  }

  /** Counts what the masker emits, as an adapter's sink consumes it (without keeping it). */
  private static final class CountingSink implements ChunkSink {
    long bytes;

    @Override
    public void accept(ByteBuffer chunk) {
      bytes += chunk.remaining();
      chunk.position(chunk.limit());
    }
  }
}

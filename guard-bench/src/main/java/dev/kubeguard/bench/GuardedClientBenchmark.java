package dev.kubeguard.bench;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.policy.GuardPolicyEngine;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import dev.kubeguard.okhttp.GuardedOkHttp;
import dev.kubeguard.testkit.Fixtures;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The whole request path, guarded against unguarded, in one run: a client asks a loopback
 * stand-in for kube-apiserver (serving real v1.28 captures) for one object or list and reads the
 * whole response. Three pairs per body:
 *
 * <ul>
 *   <li>{@code okhttpUnguarded} / {@code okhttpGuarded*}: a plain {@link OkHttpClient} and the same
 *       client through {@link GuardedOkHttp#forIdentity}; the body is read to the end (not
 *       parsed), so parsing does not dilute the guard's share: the least flattering ratio;
 *   <li>{@code fabric8Unguarded} / {@code fabric8Guarded*}: fabric8 7.9 on its JDK backend, plain
 *       and through {@link KubeGuardFabric8}; the body is parsed into typed objects, as an
 *       application using fabric8 sees it.
 * </ul>
 *
 * {@code *Guarded} records every request to a {@link JsonlAuditRecorder} at its default durability ({@link Durability#DEFAULT}: each line written to the OS before the call goes on, fsync every second);
 * {@code *GuardedNoAudit} is the same Guard without a recorder, so the difference is the
 * recording cost. The Guard holds ~1,000 generated GuardPolicy and RBAC rules ({@link
 * PolicyCorpus}) plus a RoleBinding that lets the benchmark's identity (a member of a team with
 * many rules of its own) read in namespace {@code shop}; responses are masked by a {@link
 * DefaultMasker}. Setup fails if a guarded response is not masked or not allowed, so the guarded
 * numbers are never those of a short-circuited denial.
 *
 * <p><b>Warm-up by count.</b> Before JMH's own warm-up, setup makes {@link #warmupCalls} calls on
 * the client the trial measures (each trial runs in its own fork, so warming the other five would
 * only take time and blur the profile): a few seconds of time-based warm-up leave the guarded path
 * (more code than the plain one) partly interpreted and inflate the ratio about 1.6x. {@code auto}
 * is 20,000 calls for small bodies, down to 2,000 for the lists (whose per-call loops compile long
 * before). The setup also makes one call on every client to check that the guard is in the path.
 *
 * <pre>
 * ./mvnw -B -o -q -pl guard-bench -am package -DskipTests
 * java -jar guard-bench/target/benchmarks.jar 'GuardedClient' -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 *
 * The bodies are the real kube-apiserver captures of guard-testkit; {@code secret-list-100} is
 * the captured list's three Secrets repeated to 100 ({@link SecretLists}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dsun.net.httpserver.nodelay=true"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class GuardedClientBenchmark {

  /**
   * What is asked for; {@code pod-list-1MB} is generated, {@code secret-list-100} built from the
   * capture, the others are real captures.
   */
  @Param({"secret-get", "deployment-get", "secret-list", "secret-list-100", "pod-list-1MB"})
  public String body;

  /** Calls made on every client in setup before JMH's warm-up; {@code auto}: see the class doc. */
  @Param({"auto"})
  public String warmupCalls;

  private static final Identity CALLER = Identity.of("bench@example.com", "team-0", Identity.AUTHENTICATED);
  private static final int POLICY_RULES = 1000;
  private static final int SECRET_LIST_LENGTH = 100;

  /** Lets {@link #CALLER}'s team read what the benchmark asks for, nothing more. */
  static final String SHOP_READERS = """
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: shop-reader, namespace: shop}
      rules:
      - {apiGroups: [""], resources: [secrets, pods], verbs: [get, list, watch]}
      - {apiGroups: [apps], resources: [deployments], verbs: [get, list, watch]}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: shop-readers, namespace: shop}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: shop-reader}
      subjects:
      - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: team-0}
      """;

  private Target target;
  private FixtureApiServer server;
  private Path auditDir;
  private JsonlAuditRecorder recorder;

  private Request request;
  private OkHttpClient okhttp;
  private OkHttpClient okhttpGuarded;
  private OkHttpClient okhttpGuardedNoAudit;

  private KubernetesClient fabric8;
  private GuardedKubernetesClient fabric8GuardedRoot;
  private GuardedKubernetesClient fabric8GuardedNoAuditRoot;
  private KubernetesClient fabric8Guarded;
  private KubernetesClient fabric8GuardedNoAudit;

  private final byte[] readBuffer = new byte[64 * 1024];

  /** The request each {@link #body} value stands for, and the fabric8 call that makes it. */
  enum Target {
    SECRET_GET("secret-get", "/api/v1/namespaces/shop/secrets/db-creds", "secrets", ""),
    DEPLOYMENT_GET("deployment-get", "/apis/apps/v1/namespaces/shop/deployments/web", "deployments", "apps"),
    SECRET_LIST("secret-list", "/api/v1/namespaces/shop/secrets", "secrets", ""),
    SECRET_LIST_100("secret-list-100", "/api/v1/namespaces/shop/secrets", "secrets", ""),
    POD_LIST("pod-list-1MB", "/api/v1/namespaces/shop/pods", "pods", "");

    final String param;
    final String path;
    final String resource;
    final String group;

    Target(String param, String path, String resource, String group) {
      this.param = param;
      this.path = path;
      this.resource = resource;
      this.group = group;
    }

    static Target of(String param) {
      return Arrays.stream(values()).filter(t -> t.param.equals(param)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown body " + param));
    }

    boolean isList() {
      return this == SECRET_LIST || this == SECRET_LIST_100 || this == POD_LIST;
    }

    Object fetch(KubernetesClient c) {
      Object result = switch (this) {
        case SECRET_GET -> c.secrets().inNamespace("shop").withName("db-creds").get();
        case DEPLOYMENT_GET -> c.apps().deployments().inNamespace("shop").withName("web").get();
        case SECRET_LIST, SECRET_LIST_100 -> c.secrets().inNamespace("shop").list();
        case POD_LIST -> c.pods().inNamespace("shop").list();
      };
      // fabric8 answers a 404 with null: never let a miss pass for a fast answer.
      return Objects.requireNonNull(result, () -> "no object at " + path);
    }
  }

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams trial) throws Exception {
    target = Target.of(body);
    byte[] served = bodyOf(target);
    server = new FixtureApiServer(Map.of(target.path, served));
    String url = server.url();

    GuardPolicyEngine policy = PolicyLoader.fromYaml("generated-1000-plus-shop-readers.yaml", new PolicyCorpus(POLICY_RULES).yaml + SHOP_READERS);
    Attributes asked = Attributes.resource(target.isList() ? "list" : "get", target.group, "v1", target.resource, "", "shop",
        switch (target) {
          case SECRET_GET -> "db-creds";
          case DEPLOYMENT_GET -> "web";
          default -> "";
        });
    Decision d = policy.decide(CALLER, asked);
    if (d.effect() != Decision.Effect.ALLOW) {
      throw new IllegalStateException("the benchmark policy must allow " + asked + " but says " + d);
    }
    auditDir = Files.createTempDirectory("kubeguard-guarded-client-bench");
    recorder = JsonlAuditRecorder.builder()
        .path(auditDir.resolve("audit.jsonl"))
        .chainKey(ChainKey.generate()) // the default keyed chain: one HMAC per line
        .maxFileBytes(64L << 20)
        .durability(Durability.DEFAULT) // what users get
        .build();
    Guard recording = Guard.builder().policy(policy).masker(DefaultMasker.builder().randomKey().build()).recorder(recorder).build();
    Guard notRecording = Guard.builder().policy(policy).masker(DefaultMasker.builder().randomKey().build()).build();

    request = new Request.Builder().url(url + target.path).header("Authorization", "Bearer bench-token").build();
    okhttp = new OkHttpClient.Builder().build();
    okhttpGuarded = GuardedOkHttp.forIdentity(okhttp, recording, CALLER);
    okhttpGuardedNoAudit = GuardedOkHttp.forIdentity(okhttp, notRecording, CALLER);

    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url)
        .withOauthToken("bench-token").withRequestRetryBackoffLimit(0).build();
    fabric8 = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    fabric8GuardedRoot = KubeGuardFabric8.builder(recording).config(config).httpClientFactory(new JdkHttpClientFactory()).build();
    fabric8GuardedNoAuditRoot = KubeGuardFabric8.builder(notRecording).config(config).httpClientFactory(new JdkHttpClientFactory()).build();
    fabric8Guarded = fabric8GuardedRoot.as(CALLER);
    fabric8GuardedNoAudit = fabric8GuardedNoAuditRoot.as(CALLER);

    checkGuardIsInThePath();
    warmUp(trial.getBenchmark().substring(trial.getBenchmark().lastIndexOf('.') + 1), warmupCount(served.length));
  }

  private int warmupCount(int bodyBytes) {
    if (!"auto".equals(warmupCalls)) {
      return Integer.parseInt(warmupCalls);
    }
    // ~256 MB through each client, within [2,000, 20,000] calls.
    return (int) Math.max(2_000, Math.min(20_000, (256L << 20) / bodyBytes));
  }

  /**
   * Makes {@code calls} calls through the benchmark method {@code method} measures, then says how
   * long it took (so a run shows whether the count was affordable).
   */
  private void warmUp(String method, int calls) throws Exception {
    Callable<Object> call = switch (method) {
      case "okhttpUnguarded" -> this::okhttpUnguarded;
      case "okhttpGuarded" -> this::okhttpGuarded;
      case "okhttpGuardedNoAudit" -> this::okhttpGuardedNoAudit;
      case "fabric8Unguarded" -> this::fabric8Unguarded;
      case "fabric8Guarded" -> this::fabric8Guarded;
      case "fabric8GuardedNoAudit" -> this::fabric8GuardedNoAudit;
      default -> throw new IllegalStateException("no warm-up for benchmark method " + method);
    };
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.call();
    }
    System.out.printf("warm-up: %,d calls of %s in %,d ms%n", calls, method, (System.nanoTime() - start) / 1_000_000);
  }

  /** Every body holds a secret the masker must replace, so a guarded answer equal to the plain one means no guard. */
  private void checkGuardIsInThePath() throws Exception {
    byte[] plain = readAll(okhttp);
    if (Arrays.equals(plain, readAll(okhttpGuarded)) || Arrays.equals(plain, readAll(okhttpGuardedNoAudit))) {
      throw new IllegalStateException("guarded OkHttp returned " + body + " unmasked: the guard is not in the path");
    }
    Object typed = target.fetch(fabric8);
    if (typed.equals(target.fetch(fabric8Guarded)) || typed.equals(target.fetch(fabric8GuardedNoAudit))) {
      throw new IllegalStateException("guarded fabric8 returned " + body + " unmasked: the guard is not in the path");
    }
    recorder.sync();
    if (Files.size(auditDir.resolve("audit.jsonl")) == 0) {
      throw new IllegalStateException("the recording Guard wrote no audit event");
    }
    System.out.printf("%n%s: %,d bytes from %s%n", body, plain.length, server.url() + target.path);
  }

  // One body per trial, so the two SecretLists can share their real path.
  private static byte[] bodyOf(Target target) {
    return switch (target) {
      case SECRET_GET -> Fixtures.bytes("secret-get.json");
      case DEPLOYMENT_GET -> Fixtures.bytes("deployment-get.json");
      case SECRET_LIST -> Fixtures.bytes("secret-list.json");
      case SECRET_LIST_100 -> SecretLists.ofCaptured(SECRET_LIST_LENGTH);
      case POD_LIST -> MaskingBenchmark.BenchBodies.podList(1L << 20);
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    closeAll(fabric8, fabric8GuardedRoot, fabric8GuardedNoAuditRoot);
    okhttp.dispatcher().executorService().shutdown();
    okhttp.connectionPool().evictAll();
    server.close();
    recorder.close();
    TempDirs.delete(auditDir);
  }

  private static void closeAll(AutoCloseable... closeables) throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  /** Reads the whole body through a reused buffer, as a streaming consumer would; returns its length. */
  private long read(OkHttpClient client) throws IOException {
    try (Response r = client.newCall(request).execute()) {
      if (r.code() != 200) {
        throw new IOException("HTTP " + r.code() + " for " + request.url());
      }
      long total = 0;
      try (InputStream in = r.body().byteStream()) {
        for (int n; (n = in.read(readBuffer)) != -1; ) {
          total += n;
        }
      }
      return total;
    }
  }

  private byte[] readAll(OkHttpClient client) throws IOException {
    try (Response r = client.newCall(request).execute()) {
      if (r.code() != 200) {
        throw new IOException("HTTP " + r.code() + " for " + request.url() + ": " + r.body().string());
      }
      return r.body().bytes();
    }
  }

  @Benchmark
  public long okhttpUnguarded() throws IOException {
    return read(okhttp);
  }

  @Benchmark
  public long okhttpGuarded() throws IOException {
    return read(okhttpGuarded);
  }

  @Benchmark
  public long okhttpGuardedNoAudit() throws IOException {
    return read(okhttpGuardedNoAudit);
  }

  @Benchmark
  public Object fabric8Unguarded() {
    return target.fetch(fabric8);
  }

  @Benchmark
  public Object fabric8Guarded() {
    return target.fetch(fabric8Guarded);
  }

  @Benchmark
  public Object fabric8GuardedNoAudit() {
    return target.fetch(fabric8GuardedNoAudit);
  }
}

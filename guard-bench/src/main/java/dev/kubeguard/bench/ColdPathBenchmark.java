package dev.kubeguard.bench;

import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import dev.kubeguard.okhttp.GuardedOkHttp;
import dev.kubeguard.testkit.Fixtures;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The cold path: what a short-lived tool pays, in a fresh JVM, to build a guarded client and make
 * its first calls, against the same client unguarded. Every fork is a new JVM that measures one
 * thing once ({@link Mode#SingleShotTime}, no warmup):
 *
 * <ul>
 *   <li>{@code *Build*}: building the client; guarded, that includes building the {@link Guard}
 *       (the README's three-rule policy parsed from YAML, a {@link DefaultMasker}, a
 *       {@link JsonlAuditRecorder} at its default durability);
 *   <li>{@code *FirstCall*}: the first GET of one Secret (a real kube-apiserver capture) through a
 *       client built beforehand, body read to the end (OkHttp) or parsed into a {@code Secret}
 *       (fabric8 on its JDK backend);
 *   <li>{@code *First100*}: the first 100 such GETs.
 * </ul>
 *
 * The guard's cold cost per call is {@code (guarded - unguarded) / calls} of the same pair in the
 * same run. Each fork also prints how many classes the measured operation loaded
 * ({@code [cold] <benchmark>: N classes loaded}), so guarded and unguarded can be compared by
 * class count as well. The stand-in server runs in the benchmark's JVM and is started (and
 * answers one request from a throwaway client) before anything is measured, so its own warmup is
 * not charged to either side.
 *
 * <pre>
 * ./mvnw -B -o -q -pl guard-bench -am package -DskipTests
 * java -jar guard-bench/target/benchmarks.jar ColdPath -f 10 2&gt;&amp;1 | tee cold.txt
 * grep '\[cold\]' cold.txt | sort | uniq -c   # classes loaded per benchmark
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 10, jvmArgsAppend = {"-Xmx512m", "-Dsun.net.httpserver.nodelay=true"})
@Warmup(iterations = 0)
@Measurement(iterations = 1, batchSize = 1)
public class ColdPathBenchmark {

  static final String SECRET_PATH = "/api/v1/namespaces/shop/secrets/db-creds";
  static final Identity CALLER = Identity.of("dev@example.com", "developers", Identity.AUTHENTICATED);
  static final int CALLS = 100;

  /** The README's policy: deny exec, approve prod deletes, let developers read namespace shop. */
  static final String POLICY = """
      apiVersion: kubeguard.dev/v1
      kind: GuardPolicy
      metadata: {name: shop}
      spec:
        rules:
        - name: no-exec
          subjects: {groups: ["*"]}
          effect: deny
          match: {verbs: ["*"], apiGroups: [""], resources: [pods/exec, pods/attach, pods/portforward]}
        - name: approve-prod-deletes
          subjects: {groups: [developers]}
          effect: approve
          approval: {approverGroups: [sre-leads], count: 1, ttl: 15m}
          match: {verbs: [delete, deletecollection], apiGroups: ["*"], resources: ["*"], namespaces: ["prod-*"]}
        - name: developers-read-shop
          subjects: {groups: [developers]}
          effect: allow
          match: {verbs: [get, list, watch], apiGroups: ["", apps], resources: ["*"], namespaces: [shop]}
      """;

  /** The stand-in server and the class counter every benchmark uses. */
  @State(Scope.Benchmark)
  public static class Server {
    FixtureApiServer server;
    String url;
    Path auditDir;
    JsonlAuditRecorder recorder;
    /** A client a build benchmark made, closed after the measurement rather than in it. */
    AutoCloseable built;
    private final ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    private long loadedBefore;
    private long loadedDuring;

    @Setup(Level.Trial)
    public void start() throws IOException {
      server = new FixtureApiServer(Map.of(SECRET_PATH, Fixtures.bytes("secret-get.json")));
      url = server.url();
      auditDir = Files.createTempDirectory("kubeguard-cold-bench");
      // The server's own first answer, over a plain socket, so neither side pays for it.
      URI base = URI.create(url);
      try (Socket socket = new Socket(base.getHost(), base.getPort())) {
        socket.getOutputStream().write(("GET " + SECRET_PATH + " HTTP/1.1\r\nHost: " + base.getHost()
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().transferTo(OutputStream.nullOutputStream());
      }
    }

    /** Builds the Guard every guarded client uses: a real policy, masker and recorder. */
    Guard guard() throws Exception {
      recorder = JsonlAuditRecorder.builder()
          .path(auditDir.resolve("audit.jsonl"))
          .chainKey(ChainKey.generate())
          .durability(Durability.DEFAULT) // what users get
          .build();
      return Guard.builder()
          .policy(PolicyLoader.fromYaml("readme-policy.yaml", POLICY))
          .masker(DefaultMasker.builder().randomKey().build())
          .recorder(recorder)
          .build();
    }

    Config fabric8Config() {
      return new ConfigBuilder(Config.empty()).withMasterUrl(url).withOauthToken("bench-token")
          .withRequestRetryBackoffLimit(0).build();
    }

    void startCounting() {
      loadedBefore = classes.getTotalLoadedClassCount();
    }

    void stopCounting() {
      loadedDuring = classes.getTotalLoadedClassCount() - loadedBefore;
    }

    @TearDown(Level.Trial)
    public void stop(BenchmarkParams params) throws Exception {
      String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      System.out.printf("%n[cold] %s: %d classes loaded%n", name, loadedDuring);
      if (built != null) {
        built.close();
      }
      if (recorder != null) {
        recorder.close();
      }
      server.close();
      TempDirs.delete(auditDir);
    }
  }

  /** An OkHttp client built beforehand, plain or guarded. */
  public abstract static class OkHttpClients {
    OkHttpClient client;
    Request request;

    abstract OkHttpClient newClient(Server s) throws Exception;

    @Setup(Level.Trial)
    public void build(Server s) throws Exception {
      client = newClient(s);
      request = new Request.Builder().url(s.url + SECRET_PATH).header("Authorization", "Bearer bench-token").build();
    }

    @TearDown(Level.Trial)
    public void close() {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @State(Scope.Benchmark)
  public static class PlainOkHttp extends OkHttpClients {
    @Override
    OkHttpClient newClient(Server s) {
      return new OkHttpClient.Builder().build();
    }
  }

  @State(Scope.Benchmark)
  public static class GuardedOkHttpClient extends OkHttpClients {
    @Override
    OkHttpClient newClient(Server s) throws Exception {
      return GuardedOkHttp.forIdentity(new OkHttpClient.Builder().build(), s.guard(), CALLER);
    }
  }

  /** A fabric8 client (JDK backend) built beforehand, plain or guarded. */
  public abstract static class Fabric8Clients {
    KubernetesClient client;
    AutoCloseable root;

    abstract void newClient(Server s, Config config) throws Exception;

    @Setup(Level.Trial)
    public void build(Server s) throws Exception {
      newClient(s, s.fabric8Config());
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      root.close();
    }
  }

  @State(Scope.Benchmark)
  public static class PlainFabric8 extends Fabric8Clients {
    @Override
    void newClient(Server s, Config config) {
      client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
      root = client;
    }
  }

  @State(Scope.Benchmark)
  public static class GuardedFabric8 extends Fabric8Clients {
    @Override
    void newClient(Server s, Config config) throws Exception {
      GuardedKubernetesClient guarded = KubeGuardFabric8.builder(s.guard()).config(config)
          .httpClientFactory(new JdkHttpClientFactory()).build();
      root = guarded;
      client = guarded.as(CALLER);
    }
  }

  private static long read(OkHttpClient client, Request request) throws IOException {
    try (Response r = client.newCall(request).execute()) {
      if (r.code() != 200) {
        throw new IOException("HTTP " + r.code() + " for " + request.url());
      }
      long total = 0;
      byte[] buffer = new byte[8192];
      try (InputStream in = r.body().byteStream()) {
        for (int n; (n = in.read(buffer)) != -1; ) {
          total += n;
        }
      }
      return total;
    }
  }

  private static Secret get(KubernetesClient client) {
    // fabric8 answers a 404 with null: never let a miss pass for a fast answer.
    return Objects.requireNonNull(client.secrets().inNamespace("shop").withName("db-creds").get(), "no secret");
  }

  // (a) building the client

  @Benchmark
  public Object okhttpBuildUnguarded(Server s) {
    s.startCounting();
    OkHttpClient c = new OkHttpClient.Builder().build();
    s.stopCounting();
    return c;
  }

  @Benchmark
  public Object okhttpBuildGuarded(Server s) throws Exception {
    s.startCounting();
    OkHttpClient c = GuardedOkHttp.forIdentity(new OkHttpClient.Builder().build(), s.guard(), CALLER);
    s.stopCounting();
    return c;
  }

  @Benchmark
  public Object fabric8BuildUnguarded(Server s) {
    s.startCounting();
    Config config = s.fabric8Config();
    KubernetesClient c = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    s.stopCounting();
    s.built = c;
    return c;
  }

  @Benchmark
  public Object fabric8BuildGuarded(Server s) throws Exception {
    s.startCounting();
    Config config = s.fabric8Config();
    GuardedKubernetesClient g = KubeGuardFabric8.builder(s.guard()).config(config).httpClientFactory(new JdkHttpClientFactory()).build();
    KubernetesClient c = g.as(CALLER);
    s.stopCounting();
    s.built = g;
    return c;
  }

  // (b) the first call

  @Benchmark
  public long okhttpFirstCallUnguarded(Server s, PlainOkHttp c) throws IOException {
    return okhttpCalls(s, c.client, c.request, 1);
  }

  @Benchmark
  public long okhttpFirstCallGuarded(Server s, GuardedOkHttpClient c) throws IOException {
    return okhttpCalls(s, c.client, c.request, 1);
  }

  @Benchmark
  public Object fabric8FirstCallUnguarded(Server s, PlainFabric8 c) {
    return fabric8Calls(s, c.client, 1);
  }

  @Benchmark
  public Object fabric8FirstCallGuarded(Server s, GuardedFabric8 c) {
    return fabric8Calls(s, c.client, 1);
  }

  // (c) the first 100 calls

  @Benchmark
  public long okhttpFirst100Unguarded(Server s, PlainOkHttp c) throws IOException {
    return okhttpCalls(s, c.client, c.request, CALLS);
  }

  @Benchmark
  public long okhttpFirst100Guarded(Server s, GuardedOkHttpClient c) throws IOException {
    return okhttpCalls(s, c.client, c.request, CALLS);
  }

  @Benchmark
  public Object fabric8First100Unguarded(Server s, PlainFabric8 c) {
    return fabric8Calls(s, c.client, CALLS);
  }

  @Benchmark
  public Object fabric8First100Guarded(Server s, GuardedFabric8 c) {
    return fabric8Calls(s, c.client, CALLS);
  }

  // The same measured loop for every pair, so guarded and unguarded differ only in the client.
  private static long okhttpCalls(Server s, OkHttpClient client, Request request, int calls) throws IOException {
    s.startCounting();
    long n = 0;
    for (int i = 0; i < calls; i++) {
      n += read(client, request);
    }
    s.stopCounting();
    return n;
  }

  private static Secret fabric8Calls(Server s, KubernetesClient client, int calls) {
    s.startCounting();
    Secret last = null;
    for (int i = 0; i < calls; i++) {
      last = get(client);
    }
    s.stopCounting();
    return last;
  }
}

package dev.kubeguard.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.core.Guard;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.e2e.controlplane.ControlPlane;
import dev.kubeguard.e2e.controlplane.RealApiServer;
import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.Planted;
import dev.kubeguard.e2e.support.TestNamespace;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The paired benchmark of the issue "[perf] The guard costs close to nothing", against the real
 * kube-apiserver: GETs of one ConfigMap through fabric8's JDK client (HTTP/2 over TLS, as the
 * other e2e tests use it), guarded by KubeGuardFabric8 (a {@link JsonlAuditRecorder} at its
 * builder's default durability, the default masker) against the same client unguarded, each with
 * its own connection kept alive. Both hold the admin token, so the server does the same work.
 *
 * <p>Phases, on two freshly built clients in this JVM: <b>cold</b>, their first calls, alternating
 * one by one (guard-core's classes load and run interpreted here, fabric8's are already warm from
 * planting the ConfigMap); <b>warm-up</b>, untimed, alternating in rounds of 100; <b>warm</b>,
 * alternating blocks (the first client alternates too), every call timed.
 *
 * <p>By default (CI) it runs a tiny version and asserts only behaviour: every call allowed and
 * answered, the guarded ConfigMap masked while the plain one is not, two audit events per guarded
 * call, and no planted value in the Guard's trail. Never timing. With
 * {@code -Dkubeguard.bench.paired=full} it runs 100 cold calls, 2,000 warm-up calls and 10 blocks
 * of 200 per client, and prints median and p90 per call with the guarded/plain ratio:
 *
 * <pre>
 * KUBEBUILDER_ASSETS=/work/shared/envtest-1.28.7 ./mvnw -B -o -pl guard-e2e -am verify \
 *   -Dtest='dev.kubeguard.e2e.bench.*' -Dsurefire.failIfNoSpecifiedTests=false -Dkubeguard.bench.paired=full
 * </pre>
 */
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PairedConfigMapGetsTest {

  static final String MODE = "kubeguard.bench.paired";
  private static final String NAME = "bench-config";
  private static final int WARMUP_ROUND = 100;

  /** How many calls each phase makes per client. */
  record Plan(String name, int cold, int warmup, int blocks, int blockCalls) {
    static Plan fromSystemProperty() {
      String mode = System.getProperty(MODE, "tiny").trim().toLowerCase(Locale.ROOT);
      return switch (mode) {
        case "full" -> new Plan("full", 100, 2_000, 10, 200);
        case "tiny", "" -> new Plan("tiny", 10, 50, 2, 20);
        default -> throw new IllegalArgumentException("-D" + MODE + "=" + mode + ": use full, or leave it unset for the tiny CI run");
      };
    }

    int callsPerClient() {
      return cold + warmup + blocks * blockCalls;
    }
  }

  private final Plan plan = Plan.fromSystemProperty();
  private KubernetesClient admin;
  private KubernetesClient plain;
  private GuardedKubernetesClient guardedRoot;
  private KubernetesClient guarded;
  private JsonlAuditRecorder recorder;
  private Path trailDir;
  private Path trail;
  private String ns;
  private int guardedCalls;

  @BeforeAll
  void plantAndBuildClients(ControlPlane cp) throws Exception {
    admin = Fabric8Clients.unguarded(cp, cp.admin());
    ns = TestNamespace.create(admin, "bench");
    admin.resource(Planted.configMap(ns, NAME)).create();
    assertThat(admin.configMaps().inNamespace(ns).withName(NAME).get().getData())
        .containsEntry("db_password", Planted.CONFIG_PASSWORD);

    trailDir = Files.createTempDirectory("kubeguard-e2e-bench-");
    trail = trailDir.resolve("guard-audit.jsonl");
    // No durability set: the builder's default is what the goal is about.
    recorder = JsonlAuditRecorder.builder().path(trail).chainKey(ChainKey.generate()).build();
    Guard guard = Guard.builder().policy(PolicyLoader.fromYaml("e2e-policy.yaml", policyText())).recorder(recorder).build();
    guardedRoot = Fabric8Clients.guarded(cp, guard, Fabric8Backend.JDK);
    guarded = guardedRoot.as(Callers.DEVELOPER);
    plain = Fabric8Clients.unguarded(cp, cp.admin());
  }

  @AfterAll
  void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {plain, guardedRoot, admin, recorder}) {
      if (c != null) {
        c.close();
      }
    }
    if (trailDir != null) {
      try (Stream<Path> files = Files.walk(trailDir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void guardedGetsAreAllowedMaskedAndRecordedBesideThePlainOnes() throws Exception {
    CallTimes coldPlain = new CallTimes(plan.cold());
    CallTimes coldGuarded = new CallTimes(plan.cold());
    for (int i = 0; i < plan.cold(); i++) {
      coldPlain.add(timedPlainGet());
      coldGuarded.add(timedGuardedGet());
    }
    for (int done = 0; done < plan.warmup(); done += WARMUP_ROUND) {
      int n = Math.min(WARMUP_ROUND, plan.warmup() - done);
      for (int i = 0; i < n; i++) {
        timedPlainGet();
      }
      for (int i = 0; i < n; i++) {
        timedGuardedGet();
      }
    }
    int warm = plan.blocks() * plan.blockCalls();
    CallTimes warmPlain = new CallTimes(warm);
    CallTimes warmGuarded = new CallTimes(warm);
    for (int b = 0; b < plan.blocks(); b++) {
      // Who goes first alternates too, so neither always follows the other's burst.
      boolean plainFirst = b % 2 == 0;
      for (int turn = 0; turn < 2; turn++) {
        boolean plainTurn = (turn == 0) == plainFirst;
        for (int i = 0; i < plan.blockCalls(); i++) {
          if (plainTurn) {
            warmPlain.add(timedPlainGet());
          } else {
            warmGuarded.add(timedGuardedGet());
          }
        }
      }
    }

    assertThat(guardedCalls).isEqualTo(plan.callsPerClient());
    recorder.sync();
    String text = Files.readString(trail, StandardCharsets.UTF_8);
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("a request and a response event per guarded GET").hasSize(2 * guardedCalls);
    Planted.assertNoneIn("the Guard's audit trail", text);

    System.out.println(report(coldPlain, coldGuarded, warmPlain, warmGuarded));
  }

  private long timedPlainGet() {
    long start = System.nanoTime();
    ConfigMap cm = plain.configMaps().inNamespace(ns).withName(NAME).get();
    long took = System.nanoTime() - start;
    assertThat(cm).as("the plain GET found the ConfigMap").isNotNull();
    assertThat(cm.getData()).containsEntry("db_password", Planted.CONFIG_PASSWORD);
    return took;
  }

  private long timedGuardedGet() {
    long start = System.nanoTime();
    ConfigMap cm = guarded.configMaps().inNamespace(ns).withName(NAME).get();
    long took = System.nanoTime() - start;
    guardedCalls++;
    // A denial would come back as an exception and a miss as null: either ends the run here.
    assertThat(cm).as("the guarded GET was allowed and found the ConfigMap").isNotNull();
    assertThat(cm.getData()).containsKey("db_password").doesNotContainEntry("db_password", Planted.CONFIG_PASSWORD);
    assertThat(cm.getData().get("mode")).as("what is not secret passes unchanged").isEqualTo("fast");
    return took;
  }

  private String report(CallTimes coldPlain, CallTimes coldGuarded, CallTimes warmPlain, CallTimes warmGuarded) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nPaired ConfigMap GET, fabric8 JDK client, real kube-apiserver (%s run%s)%n",
        plan.name(), plan.name().equals("full") ? "" : ": behaviour only, not a measurement"));
    out.append(String.format(Locale.ROOT, "guarded: KubeGuardFabric8, JsonlAuditRecorder at its default durability, default masker; %,d warm-up calls per client%n",
        plan.warmup()));
    out.append("| phase | calls per client | plain median ms | guarded median ms | ratio | difference ms | plain p90 ms | guarded p90 ms | p90 ratio |\n");
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    row(out, "cold (first calls of fresh clients)", coldPlain, coldGuarded);
    row(out, "warm (" + plan.blocks() + " x " + plan.blockCalls() + " alternating)", warmPlain, warmGuarded);
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (int b = 0; b < plan.blocks(); b++) {
      int from = b * plan.blockCalls();
      int to = from + plan.blockCalls();
      double r = warmGuarded.slice(from, to).medianMs() / warmPlain.slice(from, to).medianMs();
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    out.append(String.format(Locale.ROOT, "per-block median ratio: %.2f-%.2fx%n", lo, hi));
    return out.toString();
  }

  private static void row(StringBuilder out, String phase, CallTimes plain, CallTimes guarded) {
    out.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.2fx | %+.3f | %.3f | %.3f | %.2fx |%n",
        phase, plain.size(), plain.medianMs(), guarded.medianMs(), guarded.medianMs() / plain.medianMs(),
        guarded.medianMs() - plain.medianMs(), plain.p90Ms(), guarded.p90Ms(), guarded.p90Ms() / plain.p90Ms()));
  }

  private static String policyText() throws IOException {
    try (InputStream in = PairedConfigMapGetsTest.class.getResourceAsStream("/e2e-policy.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

package dev.kubeguard.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.core.Guard;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
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
import java.time.Duration;
import java.util.ArrayList;
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
 * <p>Beside the guard at its default durability, two more guarded clients tell where the cost
 * goes: the same recorder with interval fsync (100 ms), and no recorder at all. Phases, on four
 * freshly built clients in this JVM: <b>cold</b>, their first calls, in turn one by one
 * (guard-core's classes load and run interpreted here, fabric8's are already warm from planting
 * the ConfigMap); <b>warm-up</b>, in turn in rounds of 100; <b>warm</b>, blocks in turn (who goes
 * first rotates), every call timed.
 *
 * <p>By default (CI) it runs a tiny version and asserts only behaviour: every call allowed and
 * answered, the guarded ConfigMap masked while the plain one is not, two audit events per guarded
 * call in each trail, and no planted value in any trail. Never timing. With
 * {@code -Dkubeguard.bench.paired=full} it runs 100 cold calls, 2,000 warm-up calls and 10 blocks
 * of 200 per client, and prints median and p90 per call with the guarded/plain ratio:
 *
 * <pre>
 * KUBEBUILDER_ASSETS=/work/shared/envtest-1.28.7 ./mvnw -B -o -pl guard-e2e -am verify \
 *   -Dtest='dev.kubeguard.e2e.bench.*Test' -Dsurefire.failIfNoSpecifiedTests=false -Dkubeguard.bench.paired=full
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

  /**
   * One client of the comparison and its timings; {@code recorder} and {@code trail} are null for
   * the plain client and the guard without a recorder.
   */
  private static final class Subject {
    final String name;
    final KubernetesClient client;
    final boolean guarded;
    final JsonlAuditRecorder recorder;
    final Path trail;
    final CallTimes cold;
    final CallTimes warm;
    int calls;

    Subject(String name, KubernetesClient client, boolean guarded, JsonlAuditRecorder recorder, Path trail, Plan plan) {
      this.name = name;
      this.client = client;
      this.guarded = guarded;
      this.recorder = recorder;
      this.trail = trail;
      this.cold = new CallTimes(plan.cold());
      this.warm = new CallTimes(plan.blocks() * plan.blockCalls());
    }
  }

  private final Plan plan = Plan.fromSystemProperty();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<Subject> subjects = new ArrayList<>();
  private Path trailDir;
  private String ns;

  @BeforeAll
  void plantAndBuildClients(ControlPlane cp) throws Exception {
    KubernetesClient admin = Fabric8Clients.unguarded(cp, cp.admin());
    toClose.add(admin);
    ns = TestNamespace.create(admin, "bench");
    admin.resource(Planted.configMap(ns, NAME)).create();
    assertThat(admin.configMaps().inNamespace(ns).withName(NAME).get().getData())
        .containsEntry("db_password", Planted.CONFIG_PASSWORD);
    trailDir = Files.createTempDirectory("kubeguard-e2e-bench-");

    KubernetesClient plain = Fabric8Clients.unguarded(cp, cp.admin());
    toClose.add(plain);
    subjects.add(new Subject("plain", plain, false, null, null, plan));
    // No durability set: the builder's default is what the goal is about.
    guarded(cp, "guarded, default durability", JsonlAuditRecorder.builder());
    guarded(cp, "guarded, interval fsync 100 ms", JsonlAuditRecorder.builder().durability(Durability.interval(Duration.ofMillis(100))));
    guarded(cp, "guarded, no recorder", null);
  }

  private void guarded(ControlPlane cp, String name, JsonlAuditRecorder.Builder recorderBuilder) throws Exception {
    Guard.Builder guard = Guard.builder().policy(PolicyLoader.fromYaml("e2e-policy.yaml", policyText()));
    JsonlAuditRecorder recorder = null;
    Path trail = null;
    if (recorderBuilder != null) {
      trail = trailDir.resolve("guard-audit-" + subjects.size() + ".jsonl");
      recorder = recorderBuilder.path(trail).chainKey(ChainKey.generate()).build();
      toClose.add(recorder);
      guard.recorder(recorder);
    }
    GuardedKubernetesClient root = Fabric8Clients.guarded(cp, guard.build(), Fabric8Backend.JDK);
    toClose.add(0, root);
    subjects.add(new Subject(name, root.as(Callers.DEVELOPER), true, recorder, trail, plan));
  }

  @AfterAll
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
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
    for (int i = 0; i < plan.cold(); i++) {
      for (Subject s : subjects) {
        s.cold.add(timedGet(s));
      }
    }
    for (int done = 0; done < plan.warmup(); done += WARMUP_ROUND) {
      int n = Math.min(WARMUP_ROUND, plan.warmup() - done);
      for (Subject s : subjects) {
        for (int i = 0; i < n; i++) {
          timedGet(s);
        }
      }
    }
    for (int b = 0; b < plan.blocks(); b++) {
      // Who goes first rotates too, so no client always follows the same one's burst.
      for (int k = 0; k < subjects.size(); k++) {
        Subject s = subjects.get((b + k) % subjects.size());
        for (int i = 0; i < plan.blockCalls(); i++) {
          s.warm.add(timedGet(s));
        }
      }
    }

    for (Subject s : subjects) {
      assertThat(s.calls).as(s.name).isEqualTo(plan.callsPerClient());
      if (s.recorder != null) {
        s.recorder.sync();
        String text = Files.readString(s.trail, StandardCharsets.UTF_8);
        assertThat(text.lines().filter(l -> !l.isBlank()).count())
            .as("%s: a request and a response event per GET", s.name).isEqualTo(2L * s.calls);
        Planted.assertNoneIn("the trail of " + s.name, text);
      }
    }
    System.out.println(report());
  }

  private long timedGet(Subject s) {
    long start = System.nanoTime();
    ConfigMap cm = s.client.configMaps().inNamespace(ns).withName(NAME).get();
    long took = System.nanoTime() - start;
    s.calls++;
    // A denial comes back as an exception and a miss as null: either ends the run here.
    assertThat(cm).as("%s: the GET was allowed and found the ConfigMap", s.name).isNotNull();
    if (s.guarded) {
      assertThat(cm.getData()).as(s.name).containsKey("db_password").doesNotContainEntry("db_password", Planted.CONFIG_PASSWORD);
      assertThat(cm.getData().get("mode")).as("%s: what is not secret passes unchanged", s.name).isEqualTo("fast");
    } else {
      assertThat(cm.getData()).containsEntry("db_password", Planted.CONFIG_PASSWORD);
    }
    return took;
  }

  private String report() {
    Subject plain = subjects.get(0);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nPaired ConfigMap GET, fabric8 JDK client, real kube-apiserver (%s run%s)%n",
        plan.name(), plan.name().equals("full") ? "" : ": behaviour only, not a measurement"));
    out.append(String.format(Locale.ROOT, "%,d cold calls, %,d warm-up calls, %d x %d warm calls per client, all clients alternating%n",
        plan.cold(), plan.warmup(), plan.blocks(), plan.blockCalls()));
    out.append("| client | phase | median ms | ratio | difference ms | p90 ms | p90 ratio | per-block median ratio |\n");
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Subject s : subjects) {
      row(out, s, "cold", s.cold, plain.cold, "");
      row(out, s, "warm", s.warm, plain.warm, s == plain ? "" : blockRange(s, plain));
    }
    return out.toString();
  }

  private String blockRange(Subject s, Subject plain) {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (int b = 0; b < plan.blocks(); b++) {
      int from = b * plan.blockCalls();
      int to = from + plan.blockCalls();
      double r = s.warm.slice(from, to).medianMs() / plain.warm.slice(from, to).medianMs();
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    return String.format(Locale.ROOT, "%.2f-%.2fx", lo, hi);
  }

  private static void row(StringBuilder out, Subject s, String phase, CallTimes t, CallTimes plain, String blocks) {
    out.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.2fx | %+.3f | %.3f | %.2fx | %s |%n",
        s.name, phase, t.medianMs(), t.medianMs() / plain.medianMs(), t.medianMs() - plain.medianMs(),
        t.p90Ms(), t.p90Ms() / plain.p90Ms(), blocks));
  }

  private static String policyText() throws IOException {
    try (InputStream in = PairedConfigMapGetsTest.class.getResourceAsStream("/e2e-policy.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

package dev.kubeguard.e2e;

import static org.quicktheories.QuickTheory.qt;

import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.Fabric8Probe;
import dev.kubeguard.e2e.support.JudgedEqualsServed;
import dev.kubeguard.e2e.support.ProbeTarget;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The differential property on fabric8's OkHttp backend, which turns the judged URI into an
 * {@code okhttp3.HttpUrl} that resolves dot segments: before the Guard refused what clients
 * rewrite, a path judged in an allowed namespace was served from another one (a kube-system
 * Secret). Kept as its own class so that regression is named.
 */
class Fabric8OkHttpBackendSendsWhatTheGuardJudgedTest extends AgainstTheRealServer {

  private ProbeTarget target;

  @BeforeAll
  void plant() {
    target = ProbeTarget.create(admin, "probe-okhttp");
  }


  /** The path of ECOSYSTEM-NOTES: judged in an allowed namespace, sent to kube-system. */
  @Test
  void dotDotSegmentsInANameAreNotSentToAnotherNamespace() throws Exception {
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, Fabric8Backend.OKHTTP)) {
      new JudgedEqualsServed(gut.trail, cp.auditLog()).check(new Fabric8Probe(guarded.as(Callers.PROBER), cp.url()),
          "/api/v1/namespaces/" + target.allowed() + "/configmaps/x/../../../kube-system/secrets/db-creds");
    }
  }

  @Test
  void generatedPathsAreJudgedAsSentOrRefused() {
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, Fabric8Backend.OKHTTP)) {
      Fabric8Probe probe = new Fabric8Probe(guarded.as(Callers.PROBER), cp.url());
      JudgedEqualsServed property = new JudgedEqualsServed(gut.trail, cp.auditLog());
      qt().withExamples(300).withShrinkCycles(30)
          .forAll(JudgedEqualsServed.paths(target.allowed(), target.other()))
          .checkAssert(path -> {
            try {
              property.check(probe, path);
            } catch (Exception e) {
              throw new AssertionError("GET " + path + " failed: " + e, e);
            }
          });
    }
  }
}

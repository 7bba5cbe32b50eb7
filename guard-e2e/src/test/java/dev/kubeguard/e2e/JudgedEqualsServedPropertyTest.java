package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.Fabric8Probe;
import dev.kubeguard.e2e.support.JudgedEqualsServed;
import dev.kubeguard.e2e.support.OfficialClients;
import dev.kubeguard.e2e.support.OkHttpProbe;
import dev.kubeguard.e2e.support.Probe;
import dev.kubeguard.e2e.support.ProbeTarget;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Judged = sent, against the real server: for generated paths (dot segments, encodings, double
 * slashes), what the Guard judged equals what kube-apiserver's audit log says it served, or the
 * Guard refused the request before sending it. On fabric8's JDK and Vert.x backends and on the
 * official client (OkHttp). fabric8's OkHttp backend has its own class, Fabric8OkHttpBackendSendsWhatTheGuardJudgedTest.
 */
class JudgedEqualsServedPropertyTest extends AgainstTheRealServer {

  static final int EXAMPLES = 300;

  private ProbeTarget target;

  @BeforeAll
  void plant() {
    target = ProbeTarget.create(admin, "probe");
  }


  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void fabric8SendsExactlyWhatTheGuardJudgedOrNothing(Fabric8Backend backend) {
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
      holds(new Fabric8Probe(guarded.as(Callers.PROBER), cp.url()));
    }
  }

  @Test
  void officialClientSendsExactlyWhatTheGuardJudgedOrNothing() {
    holds(new OkHttpProbe(OfficialClients.guarded(cp, gut.guard, Callers.PROBER).getHttpClient(), cp.url(),
        cp.admin().token()));
  }

  private void holds(Probe probe) {
    JudgedEqualsServed property = new JudgedEqualsServed(gut.trail, cp.auditLog());
    qt().withExamples(EXAMPLES).withShrinkCycles(30)
        .forAll(JudgedEqualsServed.paths(target.allowed(), target.other()))
        .checkAssert(path -> {
          try {
            property.check(probe, path);
          } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
          }
        });
    // Both sides of the property were exercised, so neither is vacuous.
    assertThat(property.served()).as("paths served").isPositive();
    assertThat(property.refused()).as("paths refused").isPositive();
  }
}

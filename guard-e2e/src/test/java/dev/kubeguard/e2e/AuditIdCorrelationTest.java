package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.OfficialClients;
import dev.kubeguard.e2e.support.Planted;
import dev.kubeguard.e2e.support.TestNamespace;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Guard's audit trail and kube-apiserver's own audit log agree request by request: every
 * request the Guard forwarded is in the server's log under the Audit-ID the Guard recorded, and
 * no denied or held request is, across fabric8 (JDK, Vert.x) and the official client.
 */
class AuditIdCorrelationTest extends AgainstTheRealServer {

  private String ns;

  @BeforeAll
  void plant() {
    ns = TestNamespace.create(admin, "audit-ids");
    admin.resource(Planted.secret(ns, "db-creds")).create();
    admin.resource(Planted.deployment(ns, "web")).create();
  }


  @Test
  void everyForwardedAuditIdIsInTheServersLogAndNoDeniedOrHeldOneIs() throws Exception {
    for (Fabric8Backend backend : new Fabric8Backend[] {Fabric8Backend.JDK, Fabric8Backend.VERTX}) {
      String cm = "cm-" + backend.name().toLowerCase();
      admin.resource(Planted.configMap(ns, cm)).create();
      try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
        KubernetesClient dev = guarded.as(Callers.DEVELOPER);
        dev.secrets().inNamespace(ns).withName("db-creds").get();
        dev.configMaps().inNamespace(ns).list();
        catchThrowable(() -> dev.apps().deployments().inNamespace(ns).withName("web")
            .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"replicas\":3}}"));
        catchThrowable(() -> dev.secrets().inNamespace("kube-system").list());
        catchThrowable(() -> dev.configMaps().inNamespace(ns).withName(cm).delete());
        ApprovalRequest held = gut.approver.pending().stream().filter(r -> cm.equals(r.request().attributes().name()))
            .findFirst().orElseThrow();
        gut.approver.approve(held.id(), Callers.APPROVER, "ok");
        dev.configMaps().inNamespace(ns).withName(cm).delete();
      }
    }
    CoreV1Api official = new CoreV1Api(OfficialClients.guarded(cp, gut.guard, Callers.DEVELOPER));
    official.readNamespacedSecret("db-creds", ns).execute();
    catchThrowable(() -> official.listNamespacedSecret("kube-system").execute());

    Set<String> forwarded = new LinkedHashSet<>();
    Set<String> refused = new LinkedHashSet<>();
    for (AuditEvent e : gut.trail.events()) {
      // A forwarded request is recorded when received; a denied or held one only as its answer.
      (e.stage() == AuditEvent.Stage.RequestReceived ? forwarded : refused).add(e.auditId());
    }
    refused.removeAll(forwarded);
    String what = gut.trail.events().stream().map(e -> e.stage() + " " + e.verb() + " " + e.requestUri())
        .collect(java.util.stream.Collectors.joining("\n"));
    // fabric8's patch() first GETs the object: four forwarded per backend, plus the official read.
    assertThat(forwarded).as(what).hasSize(2 * 4 + 1);
    assertThat(refused).as(what).hasSize(2 * 3 + 1);
    assertThat(gut.trail.events(e -> refused.contains(e.auditId())))
        .extracting(e -> e.annotations().get("kubeguard.dev/decision")).contains("deny", "require-approval");

    for (String id : forwarded) {
      assertThat(cp.auditLog().awaitCompleted(id).user()).isEqualTo("admin");
    }
    cp.auditLog().settle();
    for (String id : refused) {
      assertThat(cp.auditLog().events(id)).as("the server's audit log under refused Audit-ID " + id).isEmpty();
    }
  }
}

package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.Planted;
import dev.kubeguard.e2e.support.TestNamespace;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deletes the policy holds for an approver, in both modes, against the real server: a held delete
 * never reaches it (nothing under its audit id in the server's log, the object still stored), the
 * approved one deletes the object, and the approval passes one request only: the identical delete
 * of a re-created object is held again.
 */
class ApprovalOfDeletesTest extends AgainstTheRealServer {

  private String ns;

  @BeforeAll
  void plant() {
    ns = TestNamespace.create(admin, "approvals");
  }


  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void requestThenRetryDeletePassesOnceApprovedAndOnlyOnce(Fabric8Backend backend) {
    String name = "doomed-" + backend.name().toLowerCase();
    admin.resource(Planted.configMap(ns, name)).create();
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
      KubernetesClient dev = guarded.as(Callers.DEVELOPER);

      KubernetesClientException held = catchThrowableOfType(KubernetesClientException.class,
          () -> dev.configMaps().inNamespace(ns).withName(name).delete());
      ApprovalRequest pending = pendingFor(name);
      assertThat(held.getCode()).isEqualTo(403);
      assertThat(held.getMessage()).contains(pending.id()).contains("pending");
      assertNotServed(lastDecisionFor(name));
      assertThat(admin.configMaps().inNamespace(ns).withName(name).get()).as("still stored while held").isNotNull();

      assertThat(gut.approver.approve(pending.id(), Callers.APPROVER, "cleanup is fine")).isTrue();
      dev.configMaps().inNamespace(ns).withName(name).delete();

      assertServed(lastDecisionFor(name));
      awaitGone(name);

      // The approval was single-use: the same delete of a re-created object is held again.
      admin.resource(Planted.configMap(ns, name)).create();
      KubernetesClientException again = catchThrowableOfType(KubernetesClientException.class,
          () -> dev.configMaps().inNamespace(ns).withName(name).delete());
      assertThat(again.getCode()).isEqualTo(403);
      assertThat(pendingFor(name).id()).isNotEqualTo(pending.id());
      assertThat(admin.configMaps().inNamespace(ns).withName(name).get()).isNotNull();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void blockingDeleteWaitsForTheApproverAndADenialLeavesTheSecret(Fabric8Backend backend) throws Exception {
    String name = "guarded-" + backend.name().toLowerCase();
    admin.resource(Planted.secret(ns, name)).create();
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
      KubernetesClient dev = guarded.as(Callers.DEVELOPER);

      CompletableFuture<?> delete = CompletableFuture.runAsync(() -> dev.secrets().inNamespace(ns).withName(name).delete());
      ApprovalRequest pending = pendingFor(name);
      assertThat(delete).isNotDone();
      assertThat(admin.secrets().inNamespace(ns).withName(name).get()).as("still stored while held").isNotNull();
      gut.approver.approve(pending.id(), Callers.APPROVER, "ok");
      delete.get(30, TimeUnit.SECONDS);

      assertServed(lastDecisionFor(name));
      awaitGoneSecret(name);

      // Once only: the identical delete is held again, and this time the approver refuses.
      admin.resource(Planted.secret(ns, name)).create();
      CompletableFuture<?> second = CompletableFuture.runAsync(() -> dev.secrets().inNamespace(ns).withName(name).delete());
      ApprovalRequest again = pendingFor(name);
      assertThat(again.id()).isNotEqualTo(pending.id());
      gut.approver.deny(again.id(), Callers.APPROVER, "not now");
      Throwable refused = catchThrowableOfType(java.util.concurrent.ExecutionException.class, () -> second.get(30, TimeUnit.SECONDS))
          .getCause();
      assertThat(refused).isInstanceOf(KubernetesClientException.class);
      assertThat(((KubernetesClientException) refused).getCode()).isEqualTo(403);
      assertNotServed(lastDecisionFor(name));
      assertThat(admin.secrets().inNamespace(ns).withName(name).get()).isNotNull();
    }
  }

  /** The approval request held for {@code name}, waiting for it to be asked. */
  private ApprovalRequest pendingFor(String name) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      List<ApprovalRequest> p = gut.approver.pending().stream()
          .filter(r -> name.equals(r.request().attributes().name())).toList();
      if (!p.isEmpty()) {
        return p.get(p.size() - 1);
      }
      sleep();
    }
    throw new AssertionError("no approval was asked for " + name);
  }

  /** The audit id of the Guard's last decision on a delete of {@code name}. */
  private String lastDecisionFor(String name) {
    List<AuditEvent> mine = gut.trail.events(e -> e.objectRef() != null && name.equals(e.objectRef().name())
        && e.verb().equals("delete"));
    return mine.get(mine.size() - 1).auditId();
  }

  private void assertServed(String auditId) {
    assertThat(cp.auditLog().awaitCompleted(auditId).code()).isEqualTo(200);
  }

  private void assertNotServed(String auditId) {
    cp.auditLog().settle();
    assertThat(cp.auditLog().events(auditId)).as("the server's audit log under " + auditId).isEmpty();
  }

  private void awaitGone(String name) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (admin.configMaps().inNamespace(ns).withName(name).get() != null && System.currentTimeMillis() < deadline) {
      sleep();
    }
    assertThat(admin.configMaps().inNamespace(ns).withName(name).get()).isNull();
  }

  private void awaitGoneSecret(String name) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (admin.secrets().inNamespace(ns).withName(name).get() != null && System.currentTimeMillis() < deadline) {
      sleep();
    }
    assertThat(admin.secrets().inNamespace(ns).withName(name).get()).isNull();
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package dev.kubeguard.approval.kubernetes;

import static dev.kubeguard.approval.kubernetes.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.AuthenticationException;
import dev.kubeguard.api.spi.Authenticator;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas (a Guard and a KubernetesApprover each, own clients) sharing one mock cluster. */
class KubernetesApproverTest {

  private static final Identity BOB = new Identity("bob", "uid-bob", List.of("developers"), Map.of(), "");
  private static final KubeRequest DELETE = KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/web");
  private static final byte[] KEY = "a shared answer key of at least 32 bytes!".getBytes(StandardCharsets.UTF_8);

  private final MockCluster cluster = new MockCluster();
  private final MutableClock clock = new MutableClock();
  private final List<KubernetesApprover> approvers = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    cluster.settle(approvers);
    approvers.forEach(KubernetesApprover::close);
    cluster.close();
  }

  private KubernetesApprover approver() {
    return approver(Duration.ofDays(1));
  }

  private KubernetesApprover approver(Duration keepFinished) {
    KubernetesApprover a = KubernetesApprover.builder().client(cluster.client()).namespace("ops").answerKey(KEY).clock(clock)
        .keepFinishedFor(keepFinished).build();
    approvers.add(a);
    return a;
  }

  private Guard guard(KubernetesApprover approver, Duration window) {
    ApprovalRequirement req = new ApprovalRequirement(List.of("sre"), 1, Duration.ofMinutes(10), ApprovalMode.REQUEST_THEN_RETRY, window);
    return Guard.builder()
        .policy(q -> Decision.requireApproval("prod-deletes", "deleting in prod needs a human", req))
        .approver(approver)
        .clock(clock)
        .build();
  }

  private static GuardedExchange retry(Guard g) {
    return g.begin(BOB, DELETE, CallContext.now());
  }

  // "Not pending" alone is also true before a replica has seen the object at all: wait for the stored version.
  private void awaitSeen(String what, String id, KubernetesApprover... replicas) throws InterruptedException {
    await(what, () -> {
      String version = stored(id).getMetadata().getResourceVersion();
      for (KubernetesApprover r : replicas) {
        if (!version.equals(r.observedVersion(id))) {
          return false;
        }
      }
      return true;
    });
  }

  private GenericKubernetesResource stored(String id) {
    return cluster.client().genericKubernetesResources(ApprovalObject.CONTEXT).inNamespace("ops").withName(id).get();
  }

  @Test
  void twoGuardsSharingOneClusterSeeAndHonourTheSameApproval() throws Exception {
    KubernetesApprover a = approver();
    KubernetesApprover b = approver();
    Guard replicaA = guard(a, Duration.ZERO);
    Guard replicaB = guard(b, Duration.ZERO);

    GuardedExchange heldOnA = retry(replicaA);
    String id = heldOnA.approvalId();
    assertThat(heldOnA.message()).contains("approval " + id + " is pending").contains("namespace \"ops\"");
    assertThat(retry(replicaB).approvalId()).as("the retry on the other replica finds the same approval").isEqualTo(id);
    await("both replicas list it", () -> a.pending().contains(id) && b.pending().contains(id));

    assertThat(b.answer(id, "alice-token", true, "ok").user()).isEqualTo("alice");
    awaitSeen("replica A sees the answer", id, a);

    assertThat(retry(replicaA).allowed()).isTrue();
    await("replica B sees it used", () -> ApprovalObject.used(stored(id)) && b.observedVersion(id).equals(stored(id).getMetadata().getResourceVersion()));
    GuardedExchange again = retry(replicaB);
    assertThat(again.allowed()).as("single use holds across replicas").isFalse();
    assertThat(again.message()).contains("already used");
  }

  @Test
  void oneUseIsOneUseWhenManyRetriesOnBothReplicasRaceForIt() throws Exception {
    KubernetesApprover a = approver();
    KubernetesApprover b = approver();
    Guard replicaA = guard(a, Duration.ZERO);
    Guard replicaB = guard(b, Duration.ZERO);
    String id = retry(replicaA).approvalId();
    assertThat(retry(replicaB).approvalId()).isEqualTo(id);
    a.answer(id, "alice-token", true, "once");
    awaitSeen("both replicas see the answer", id, a, b);

    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Guard g = i % 2 == 0 ? replicaA : replicaB;
        Callable<Boolean> attempt = () -> {
          start.await();
          return retry(g).allowed();
        };
        results.add(pool.submit(attempt));
      }
      start.countDown();
      int passed = 0;
      for (Future<Boolean> r : results) {
        passed += r.get() ? 1 : 0;
      }
      assertThat(passed).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(ApprovalObject.used(stored(id))).isTrue();
  }

  @Test
  void anAnswerTypedIntoTheObjectByHandApprovesNothing() throws Exception {
    KubernetesApprover a = approver();
    Guard replicaA = guard(a, Duration.ZERO);
    String id = retry(replicaA).approvalId();

    KubernetesClient admin = cluster.client();
    GenericKubernetesResource o = stored(id);
    Map<String, Object> forged = new LinkedHashMap<>();
    forged.put("verdict", "Approved");
    forged.put("user", "alice");
    forged.put("uid", "uid-alice");
    forged.put("groups", List.of("sre"));
    forged.put("comment", "trust me");
    forged.put("decidedAt", clock.instant().toString());
    forged.put("provenBy", "kubernetes");
    forged.put("seal", "00".repeat(32));
    ApprovalObject.status(o).put("answers", List.of(forged));
    String edited = admin.genericKubernetesResources(ApprovalObject.CONTEXT).inNamespace("ops").resource(o).update()
        .getMetadata().getResourceVersion();
    await("the replica sees the edit", () -> edited.equals(a.observedVersion(id)));

    GuardedExchange after = retry(replicaA);
    assertThat(after.allowed()).isFalse();
    assertThat(after.message()).contains("is pending");
    assertThat(a.pending()).contains(id);

    a.answer(id, "carol-token", true, "");
    awaitSeen("the replica sees the real answer", id, a);
    assertThat(retry(replicaA).allowed()).isTrue();
  }

  @Test
  void anAnswerWithoutAProvenEligibleIdentityIsRefusedAndChangesNothing() throws Exception {
    KubernetesApprover a = approver();
    Guard replicaA = guard(a, Duration.ZERO);
    String id = retry(replicaA).approvalId();
    String before = stored(id).getMetadata().getResourceVersion();

    assertThatThrownBy(() -> a.answer(id, "not-a-token", true, ""))
        .isInstanceOf(AnswerRefusedException.class).hasMessageContaining("did not authenticate");
    assertThatThrownBy(() -> a.answer(id, "mallory-token", true, ""))
        .isInstanceOf(AnswerRefusedException.class).hasMessageContaining("mallory may not approve: the API server denies verb \"approve\"");
    assertThatThrownBy(() -> a.answer(id, "eve-token", true, ""))
        .isInstanceOf(AnswerRefusedException.class).hasMessageContaining("eve is not in an approver group");
    assertThatThrownBy(() -> a.answer(id, "bob-token", false, ""))
        .isInstanceOf(AnswerRefusedException.class).hasMessageContaining("cannot approve their own request, nor deny it");
    assertThatThrownBy(() -> a.answer(id, "", true, ""))
        .isInstanceOf(AnswerRefusedException.class).hasMessageContaining("bearer token");

    assertThat(stored(id).getMetadata().getResourceVersion()).isEqualTo(before);
    assertThat(retry(replicaA).message()).contains("is pending");
    a.answer(id, "alice-token", true, "");
    awaitSeen("the replica sees the real answer", id, a);
    assertThat(retry(replicaA).allowed()).isTrue();
  }

  @Test
  void anAnswerGivenOnTheReplicaThatHoldsTheRequestCountsThereWithoutWaitingForItsWatch() throws Exception {
    KubernetesApprover a = approver();
    Guard replicaA = guard(a, Duration.ZERO);
    String id = retry(replicaA).approvalId();
    a.answer(id, "alice-token", true, "");
    assertThat(retry(replicaA).allowed()).isTrue();
  }

  @Test
  void aDenialGivenOnOneReplicaRefusesTheRetryOnTheOther() throws Exception {
    KubernetesApprover a = approver();
    KubernetesApprover b = approver();
    Guard replicaA = guard(a, Duration.ZERO);
    Guard replicaB = guard(b, Duration.ZERO);
    String id = retry(replicaA).approvalId();
    assertThat(retry(replicaB).approvalId()).isEqualTo(id);

    a.answer(id, "alice-token", false, "change freeze");
    awaitSeen("replica B sees the denial", id, b);
    GuardedExchange refused = retry(replicaB);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.message()).contains("denied: change freeze");
  }

  @Test
  void aGrantWindowHoldsOnEveryReplicaAndEndsForAll() throws Exception {
    KubernetesApprover a = approver();
    KubernetesApprover b = approver();
    Guard replicaA = guard(a, Duration.ofMinutes(5));
    Guard replicaB = guard(b, Duration.ofMinutes(5));
    String id = retry(replicaA).approvalId();
    assertThat(retry(replicaB).approvalId()).isEqualTo(id);
    a.answer(id, "alice-token", true, "for five minutes");
    awaitSeen("both replicas see the answer", id, a, b);

    assertThat(retry(replicaA).allowed()).isTrue();
    assertThat(retry(replicaB).allowed()).isTrue();
    assertThat(retry(replicaB).allowed()).isTrue();

    clock.advance(Duration.ofMinutes(6));
    assertThat(retry(replicaA).message()).contains("window has ended");
    assertThat(retry(replicaB).message()).contains("window has ended");
  }

  @Test
  void anUnansweredApprovalExpiresForEveryoneAndCanNoLongerBeAnswered() throws Exception {
    KubernetesApprover a = approver();
    KubernetesApprover b = approver();
    Guard replicaA = guard(a, Duration.ZERO);
    String id = retry(replicaA).approvalId();
    await("replica B lists it", () -> b.pending().contains(id));

    clock.advance(Duration.ofMinutes(11));
    assertThat(b.pending()).doesNotContain(id);
    assertThatThrownBy(() -> b.answer(id, "alice-token", true, ""))
        .isInstanceOf(AnswerRefusedException.class).hasMessageContaining("no longer open");
    assertThat(retry(replicaA).message()).contains("expired");
    GuardedExchange fresh = retry(replicaA);
    assertThat(fresh.approvalId()).as("a new round is asked for").isNotEqualTo(id).endsWith("-2");
  }

  @Test
  void buildSaysWhatToFix() {
    assertThatThrownBy(() -> KubernetesApprover.builder().answerKey(new byte[8]).keepFinishedFor(Duration.ZERO).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no client")
        .hasMessageContaining("no namespace")
        .hasMessageContaining("answerKey must be at least 32 random bytes")
        .hasMessageContaining("keepFinishedFor must be between 1 minute and 365 days");
  }

  @Test
  void finishedApprovalsAreDeletedOnceFinishedForTheRetentionAndOpenOnesStay() throws Exception {
    KubernetesApprover a = approver(Duration.ofHours(1));
    Guard replica = guard(a, Duration.ZERO);
    String used = retry(replica).approvalId();
    a.answer(used, "alice-token", true, "ok");
    awaitSeen("the answer", used, a);
    assertThat(retry(replica).allowed()).isTrue();
    String denied = replica.begin(BOB, KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/api"), CallContext.now())
        .approvalId();
    a.answer(denied, "alice-token", false, "not today");
    awaitSeen("the use and the denial", used, a);
    awaitSeen("the denial", denied, a);

    clock.advance(Duration.ofMinutes(30)); // both expired 20 minutes ago: finished, but not for an hour
    assertThat(a.sweepFinished()).isZero();
    String open = replica.begin(BOB, KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/db"), CallContext.now())
        .approvalId();
    awaitSeen("the open one", open, a);

    clock.advance(Duration.ofMinutes(41)); // 71 minutes in: the first two finished 61 minutes ago
    assertThat(a.sweepFinished()).isEqualTo(2);
    assertThat(stored(used)).isNull();
    assertThat(stored(denied)).isNull();
    assertThat(stored(open)).as("expired 31 minutes ago: kept").isNotNull();
    await("the informer drops the deleted ones", () -> a.find(used).isEmpty() && a.find(denied).isEmpty());

    GuardedExchange again = retry(replica);
    assertThat(again.allowed()).as("a deleted approval approves nothing: the retry asks again").isFalse();
    assertThat(again.message()).contains("is pending");
  }

  @Test
  void anOidcProvenApproverInAnApproverGroupCanAnswerAndOthersCannot() throws Exception {
    Authenticator oidc = token -> switch (token) {
      case "oidc-alice" -> new Identity("oidc:alice", "", List.of("sre"), Map.of(), "https://issuer.example");
      case "oidc-eve" -> new Identity("oidc:eve", "", List.of("developers"), Map.of(), "https://issuer.example");
      default -> throw new AuthenticationException("not a token of https://issuer.example");
    };
    KubernetesApprover a = KubernetesApprover.builder().client(cluster.client()).namespace("ops").answerKey(KEY).clock(clock)
        .oidc(oidc).kubernetesIdentities(false).build();
    approvers.add(a);
    Guard replicaA = guard(a, Duration.ZERO);
    String id = retry(replicaA).approvalId();

    assertThatThrownBy(() -> a.answer(id, "alice-token", true, ""))
        .isInstanceOf(AnswerRefusedException.class).hasMessageContaining("not a valid OIDC token");
    assertThatThrownBy(() -> a.answer(id, "oidc-eve", true, ""))
        .isInstanceOf(AnswerRefusedException.class).hasMessageContaining("oidc:eve is not in an approver group");
    assertThat(a.answer(id, "oidc-alice", true, "").user()).isEqualTo("oidc:alice");
    awaitSeen("the replica sees the answer", id, a);
    assertThat(retry(replicaA).allowed()).isTrue();
    assertThat(ApprovalObject.answers(stored(id))).singleElement().satisfies(x -> assertThat(x.provenBy()).isEqualTo("oidc"));
  }
}

package dev.kubeguard.approval.kubernetes;

import static dev.kubeguard.approval.kubernetes.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How approver surfaces see held requests: KubernetesApprover.list/find and PendingApproval.read. */
class PendingApprovalTest {

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
    KubernetesApprover a = KubernetesApprover.builder().client(cluster.client()).namespace("ops").answerKey(KEY).clock(clock).build();
    approvers.add(a);
    return a;
  }

  private Guard guard(KubernetesApprover approver) {
    ApprovalRequirement req = new ApprovalRequirement(List.of("sre"), 1, Duration.ofMinutes(10), ApprovalMode.REQUEST_THEN_RETRY, Duration.ZERO);
    return Guard.builder()
        .policy(q -> Decision.requireApproval("prod-deletes", "deleting in prod needs a human", req))
        .approver(approver)
        .clock(clock)
        .build();
  }

  private static String held(Guard g) {
    return g.begin(BOB, DELETE, CallContext.now()).approvalId();
  }

  private GenericKubernetesResource stored(String id) {
    return cluster.client().genericKubernetesResources(ApprovalObject.CONTEXT).inNamespace("ops").withName(id).get();
  }

  @Test
  void aHeldRequestIsListedAsPendingWithWhoAsksWhatAndWhy() throws Exception {
    KubernetesApprover a = approver();
    String id = held(guard(a));
    await("the informer sees it", () -> a.find(id).isPresent());

    PendingApproval p = a.find(id).orElseThrow();
    assertThat(p.state()).isEqualTo(PendingApproval.State.PENDING);
    assertThat(p.namespace()).isEqualTo("ops");
    assertThat(p.requester()).isEqualTo("bob");
    assertThat(p.requesterGroups()).containsExactly("developers");
    assertThat(p.verb()).isEqualTo("delete");
    assertThat(p.apiGroup()).isEqualTo("apps");
    assertThat(p.resource()).isEqualTo("deployments");
    assertThat(p.objectNamespace()).isEqualTo("prod");
    assertThat(p.objectName()).isEqualTo("web");
    assertThat(p.method()).isEqualTo("DELETE");
    assertThat(p.path()).isEqualTo("/apis/apps/v1/namespaces/prod/deployments/web");
    assertThat(p.reason()).isEqualTo("deleting in prod needs a human");
    assertThat(p.approverGroups()).containsExactly("sre");
    assertThat(p.approvalsNeeded()).isEqualTo(1);
    assertThat(p.expiresAt()).isEqualTo(p.requestedAt().plus(Duration.ofMinutes(10)));
    assertThat(p.answers()).isEmpty();
    assertThat(a.list()).extracting(PendingApproval::id).containsExactly(id);
  }

  @Test
  void anApprovedRequestIsApprovedUntilItsRetryUsesIt() throws Exception {
    KubernetesApprover a = approver();
    Guard g = guard(a);
    String id = held(g);
    a.answer(id, "alice-token", true, "fine by me");
    await("the informer sees the answer", () -> a.find(id).map(p -> p.state() == PendingApproval.State.APPROVED).orElse(false));
    assertThat(a.find(id).orElseThrow().answers())
        .containsExactly(new PendingApproval.Answer("alice", true, "fine by me", clock.instant()));

    assertThat(g.begin(BOB, DELETE, CallContext.now()).allowed()).isTrue();
    await("the informer sees it used", () -> a.find(id).orElseThrow().state() == PendingApproval.State.USED);
  }

  @Test
  void aDeniedRequestIsDeniedAndAnUnansweredOneExpires() throws Exception {
    KubernetesApprover a = approver();
    Guard g = guard(a);
    String id = held(g);
    a.answer(id, "carol-token", false, "change freeze");
    await("the informer sees the denial", () -> a.find(id).map(p -> p.state() == PendingApproval.State.DENIED).orElse(false));
    assertThat(a.find(id).orElseThrow().answers()).singleElement().satisfies(x -> assertThat(x.comment()).isEqualTo("change freeze"));

    KubeRequest other = KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/api");
    String second = g.begin(BOB, other, CallContext.now()).approvalId();
    await("the informer sees it", () -> a.find(second).isPresent());
    clock.advance(Duration.ofMinutes(11));
    assertThat(a.find(second).orElseThrow().state()).isEqualTo(PendingApproval.State.EXPIRED);
  }

  @Test
  void aHandTypedAnswerIsNotCountedByTheApproverButReadShowsItAsRecorded() throws Exception {
    KubernetesApprover a = approver();
    String id = held(guard(a));
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
    String edited = cluster.client().genericKubernetesResources(ApprovalObject.CONTEXT).inNamespace("ops").resource(o).update()
        .getMetadata().getResourceVersion();
    await("the informer sees the edit", () -> edited.equals(a.observedVersion(id)));

    PendingApproval counted = a.find(id).orElseThrow();
    assertThat(counted.state()).isEqualTo(PendingApproval.State.PENDING);
    assertThat(counted.answers()).isEmpty();
    PendingApproval recorded = PendingApproval.read(stored(id), clock.instant());
    assertThat(recorded.state()).isEqualTo(PendingApproval.State.APPROVED);
    assertThat(recorded.answers()).extracting(PendingApproval.Answer::comment).containsExactly("trust me");
  }

  @Test
  void viewFieldsAreReadWhenPresentAndEmptyWhenAbsent() {
    GenericKubernetesResource o = object(Map.of("expiresAt", "2026-03-01T10:10:00Z"));
    PendingApproval bare = PendingApproval.read(o, Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(bare.maskedBody()).isEmpty();
    assertThat(bare.diff()).isEmpty();
    assertThat(bare.diffNote()).isEmpty();
    assertThat(bare.answerUrl()).isEmpty();
    assertThat(bare.state()).isEqualTo(PendingApproval.State.PENDING);

    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("expiresAt", "2026-03-01T10:10:00Z");
    spec.put("view", Map.of("maskedBody", "{\"a\":1}", "diff", "--- live\n+++ dry-run\n", "diffNote", ""));
    spec.put("answerUrl", "https://approvals.example/apr-1");
    PendingApproval full = PendingApproval.read(object(spec), Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(full.maskedBody()).isEqualTo("{\"a\":1}");
    assertThat(full.diff()).isEqualTo("--- live\n+++ dry-run\n");
    assertThat(full.answerUrl()).isEqualTo("https://approvals.example/apr-1");
  }

  @Test
  void anyMalformedObjectReadsWithoutThrowingAndAnUnreadableExpiryIsExpired() {
    qt().forAll(strings().allPossible().ofLengthBetween(0, 12), integers().between(0, 5)).checkAssert((junk, shape) -> {
      Object value = switch (shape) {
        case 0 -> junk;
        case 1 -> List.of(junk, 7);
        case 2 -> Map.of("user", List.of(junk));
        case 3 -> 42;
        case 4 -> Map.of();
        default -> List.of(Map.of("verdict", junk, "decidedAt", junk));
      };
      Map<String, Object> spec = new LinkedHashMap<>();
      for (String k : List.of("requester", "request", "approval", "view", "requestedAt", "expiresAt", "answerUrl")) {
        spec.put(k, value);
      }
      GenericKubernetesResource o = object(spec);
      ApprovalObject.status(o).put("answers", value);
      PendingApproval p = PendingApproval.read(o, Instant.parse("2026-03-01T10:00:00Z"));
      assertThat(p.state()).isIn(PendingApproval.State.EXPIRED, PendingApproval.State.DENIED, PendingApproval.State.APPROVED);
      assertThat(p.approvalsNeeded()).isPositive();
    });
  }

  private static GenericKubernetesResource object(Map<String, Object> spec) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setMetadata(new ObjectMetaBuilder().withName("apr-1").withNamespace("ops").build());
    o.setAdditionalProperty("spec", spec);
    return o;
  }
}

package dev.kubeguard.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ManualApproverTest {

  private static final Identity BOB = Identity.of("bob", "developers");
  private static final KubeRequest DELETE = KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/web");

  private static Guard guardNeeding(int approvers, ManualApprover approver) {
    ApprovalRequirement req = new ApprovalRequirement(List.of("sre"), approvers, null, ApprovalMode.REQUEST_THEN_RETRY, null);
    return Guard.builder()
        .policy(q -> q.attributes().verb().equals("delete") ? Decision.requireApproval("prod", "prod deletes", req) : Decision.allow())
        .approver(approver)
        .build();
  }

  @Test
  void twoApproversUnlockTheIdenticalRetryAndListenersHearOfTheRequest() {
    List<ApprovalRequest> notified = new CopyOnWriteArrayList<>();
    ManualApprover approver = new ManualApprover().onRequest(notified::add);
    Guard guard = guardNeeding(2, approver);

    GuardedExchange first = guard.begin(BOB, DELETE, CallContext.now());
    assertThat(notified).singleElement().satisfies(r -> assertThat(r.id()).isEqualTo(first.approvalId()));
    assertThat(approver.pending()).extracting(ApprovalRequest::id).containsExactly(first.approvalId());

    assertThat(approver.approve(first.approvalId(), Identity.of("alice", "sre"), "")).isFalse();
    assertThat(guard.begin(BOB, DELETE, CallContext.now()).allowed()).isFalse();
    assertThat(approver.approve(first.approvalId(), Identity.of("carol", "sre"), "go")).isTrue();

    assertThat(guard.begin(BOB, DELETE, CallContext.now()).allowed()).isTrue();
    assertThat(approver.pending()).isEmpty();
  }

  @Test
  void theRequesterCannotApproveAndOneRefusalEndsIt() {
    ManualApprover approver = new ManualApprover();
    Guard guard = guardNeeding(1, approver);
    String id = guard.begin(BOB, DELETE, CallContext.now()).approvalId();

    assertThatThrownBy(() -> approver.approve(id, BOB, "mine"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot approve");
    approver.deny(id, Identity.of("alice", "sre"), "freeze");
    GuardedExchange v = guard.begin(BOB, DELETE, CallContext.now());
    assertThat(v.allowed()).isFalse();
    assertThat(v.message()).contains("denied: freeze");
    assertThatThrownBy(() -> approver.approve(id, Identity.of("alice", "sre"), ""))
        .hasMessageContaining("no pending approval");
  }

  @Test
  void aNonApproversApprovalIsRefusedWhenGivenAndChangesNothing() {
    ManualApprover approver = new ManualApprover();
    Guard guard = guardNeeding(1, approver);
    String id = guard.begin(BOB, DELETE, CallContext.now()).approvalId();

    assertThatThrownBy(() -> approver.approve(id, Identity.of("eve", "developers"), "looks fine"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eve is not in an approver group of " + id + " [sre]");

    assertThat(approver.pending()).extracting(ApprovalRequest::id).containsExactly(id);
    GuardedExchange retry = guard.begin(BOB, DELETE, CallContext.now());
    assertThat(retry.allowed()).isFalse();
    assertThat(retry.approvalId()).isEqualTo(id);
    assertThat(retry.message()).contains("is pending");

    assertThat(approver.approve(id, Identity.of("alice", "sre"), "ok")).isTrue();
    assertThat(guard.begin(BOB, DELETE, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void aNonApproversDenialIsRefusedWhenGivenAndARealApproverCanStillApprove() {
    ManualApprover approver = new ManualApprover();
    Guard guard = guardNeeding(1, approver);
    String id = guard.begin(BOB, DELETE, CallContext.now()).approvalId();

    assertThatThrownBy(() -> approver.deny(id, Identity.of("eve", "developers"), "no"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not in an approver group");
    assertThatThrownBy(() -> approver.deny(id, BOB, "never mind"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bob requested " + id + " and cannot approve their own request, nor deny it");

    assertThat(approver.approve(id, Identity.of("alice", "sre"), "ok")).isTrue();
    assertThat(guard.begin(BOB, DELETE, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void theRequestersApprovalUnderAnotherNameButTheSameUidIsRefused() {
    ManualApprover approver = new ManualApprover();
    Identity bobWithUid = new Identity("bob", "u-1", List.of("developers"), java.util.Map.of(), "");
    Guard guard = guardNeeding(1, approver);
    String id = guard.begin(bobWithUid, DELETE, CallContext.now()).approvalId();

    Identity alias = new Identity("robert", "u-1", List.of("sre"), java.util.Map.of(), "");
    assertThatThrownBy(() -> approver.approve(id, alias, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot approve their own request, nor deny it");
    assertThat(approver.pending()).extracting(ApprovalRequest::id).containsExactly(id);
  }

  @Test
  void anOutcomeFromANonApproverRelayedByAnApproverIsDiscardedSoTheRetryAsksAgain() {
    List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();
    ManualApprover manual = new ManualApprover();
    // An approver that relays whatever anyone said, without checking who said it.
    dev.kubeguard.api.spi.Approver careless = r -> {
      asked.add(r);
      return asked.size() == 1
          ? java.util.concurrent.CompletableFuture.completedFuture(
              dev.kubeguard.api.ApprovalOutcome.approved(r.id(), List.of(Identity.of("eve", "developers")), ""))
          : manual.requestApproval(r);
    };
    ApprovalRequirement req = ApprovalRequirement.of("sre");
    Guard guard = Guard.builder()
        .policy(q -> Decision.requireApproval("prod", "prod deletes", req))
        .approver(careless)
        .build();

    GuardedExchange first = guard.begin(BOB, DELETE, CallContext.now());
    assertThat(first.allowed()).isFalse();
    assertThat(first.message()).contains("eve is not in an approver group").contains("the next retry asks again");

    GuardedExchange second = guard.begin(BOB, DELETE, CallContext.now());
    assertThat(second.message()).contains("is pending");
    assertThat(asked).hasSize(2);
    manual.approve(second.approvalId(), Identity.of("alice", "sre"), "");
    assertThat(guard.begin(BOB, DELETE, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void thePendingMessageNamesTheIdWhoMayApproveWhereAndThatTheCallerCannotApprove() {
    ManualApprover approver = new ManualApprover().answeredAt("https://ops.example/approvals/{id}");
    Guard guard = guardNeeding(2, approver);
    GuardedExchange pending = guard.begin(BOB, DELETE, CallContext.now());

    String id = pending.approvalId();
    assertThat(pending.statusCode()).isEqualTo(403);
    assertThat(pending.message())
        .contains("approval " + id + " is pending")
        .contains("Who may approve: 2 different people in group \"sre\", not the requester \"bob\"")
        .contains("Where: https://ops.example/approvals/" + id)
        .contains("The caller cannot approve this itself")
        .contains("retry the identical request");
  }
}

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
}

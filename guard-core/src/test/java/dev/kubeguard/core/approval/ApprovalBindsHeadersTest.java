package dev.kubeguard.core.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two findings: an approval passes only the request it was given for, headers included. */
class ApprovalBindsHeadersTest {

  private static final Identity BOB = Identity.of("bob", "developers");
  private static final Identity ALICE = Identity.of("alice", "sre");
  private static final String DEPLOYMENT = "/apis/apps/v1/namespaces/prod/deployments/web";
  private static final byte[] PATCH = "{\"spec\":{\"replicas\":0}}".getBytes(StandardCharsets.UTF_8);

  private final ManualApprover approver = new ManualApprover();
  private final Guard guard = Guard.builder()
      .policy(q -> q.attributes().verb().equals("impersonate") ? Decision.allow()
          : Decision.requireApproval("prod", "prod changes", ApprovalRequirement.of("sre")))
      .approver(approver)
      .build();

  private static KubeRequest patch(String contentType) {
    return KubeRequest.of("PATCH", DEPLOYMENT, Map.of("Content-Type", List.of(contentType)), PATCH);
  }

  private void approve(KubeRequest request) {
    GuardedExchange pending = guard.begin(BOB, request, CallContext.now());
    assertThat(pending.allowed()).isFalse();
    approver.approve(pending.approvalId(), ALICE, "");
  }

  @Test
  void anApprovalForAMergePatchDoesNotPassTheSameBytesSentAsAStrategicMergePatch() {
    approve(patch("application/merge-patch+json"));

    GuardedExchange strategic = guard.begin(BOB, patch("application/strategic-merge-patch+json"), CallContext.now());
    assertThat(strategic.allowed()).isFalse();
    assertThat(strategic.message()).contains("is pending");
    assertThat(guard.begin(BOB, patch("application/merge-patch+json"), CallContext.now()).allowed()).isTrue();
  }

  @Test
  void anApprovedDeleteDoesNotPassWithImpersonateUserAdded() {
    KubeRequest delete = KubeRequest.of("DELETE", DEPLOYMENT);
    approve(delete);

    KubeRequest asAdmin = KubeRequest.of("DELETE", DEPLOYMENT, Map.of("Impersonate-User", List.of("admin")), null);
    GuardedExchange impersonating = guard.begin(BOB, asAdmin, CallContext.now());
    assertThat(impersonating.allowed()).isFalse();
    assertThat(impersonating.message()).contains("is pending");
    assertThat(guard.begin(BOB, delete, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void theSameRequestWithTheContentTypeSpelledInOtherCaseStillPasses() {
    approve(patch("application/merge-patch+json; charset=utf-8"));

    assertThat(guard.begin(BOB, patch("Application/Merge-Patch+JSON;charset=utf-8"), CallContext.now()).allowed()).isTrue();
  }
}

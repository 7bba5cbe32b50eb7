package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.Approver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The first retry after an approval's time ran out is told it expired, whether the approver has
 * already reported the expiry or not; only the retry after that asks again.
 */
class GuardApprovalExpiryTest {

  private static final Identity BOB = Identity.of("bob", "developers");
  private static final KubeRequest DELETE = KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/web");

  /** An approver that keeps every request's answer open until the test settles it. */
  private static final class HeldApprover implements Approver {
    final List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<ApprovalOutcome>> answers = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<ApprovalOutcome> requestApproval(ApprovalRequest request) {
      CompletableFuture<ApprovalOutcome> f = new CompletableFuture<>();
      asked.add(request);
      answers.add(f);
      return f;
    }
  }

  private final GuardTest.MutableClock clock = new GuardTest.MutableClock();
  private final HeldApprover approver = new HeldApprover();
  private final Guard guard = Guard.builder()
      .policy(q -> Decision.requireApproval("prod", "prod deletes",
          new ApprovalRequirement(List.of("sre"), 1, Duration.ofMinutes(10), ApprovalMode.REQUEST_THEN_RETRY, Duration.ZERO)))
      .approver(approver)
      .clock(clock)
      .build();

  private GuardedExchange retry() {
    return guard.begin(BOB, DELETE, CallContext.now());
  }

  @Test
  void theRetryAfterTheApproverReportedTheExpiryIsToldItExpiredAndTheNextAsksAgain() {
    String id = retry().approvalId();
    clock.advance(Duration.ofMinutes(11));
    approver.answers.get(0).complete(ApprovalOutcome.expired(id));

    GuardedExchange told = retry();
    assertThat(told.allowed()).isFalse();
    assertThat(told.approvalId()).isEqualTo(id);
    assertThat(told.message()).contains("approval " + id + " expired before anyone answered");

    GuardedExchange again = retry();
    assertThat(again.message()).contains("is pending");
    assertThat(approver.asked).hasSize(2);
  }

  @Test
  void theRetryAfterExpiryIsToldItExpiredWhenTheApproverHasNotReportedIt() {
    String id = retry().approvalId();
    clock.advance(Duration.ofMinutes(11));

    assertThat(retry().message()).contains("approval " + id + " expired before anyone answered");
    assertThat(retry().message()).contains("is pending");
    assertThat(approver.asked).hasSize(2);
  }

  @Test
  void anExpiryTheApproverExplainsCarriesItsReason() {
    String id = retry().approvalId();
    clock.advance(Duration.ofMinutes(11));
    approver.answers.get(0).complete(
        new ApprovalOutcome(ApprovalOutcome.Status.EXPIRED, id, List.of(), "withdrawn by the platform team", clock.instant()));

    assertThat(retry().message()).contains("approval " + id + " expired: withdrawn by the platform team");
  }
}

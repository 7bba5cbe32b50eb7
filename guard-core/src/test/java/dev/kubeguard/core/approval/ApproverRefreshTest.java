package dev.kubeguard.core.approval;

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
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * An approver that learns of answers through a watch can know an answer (its cache has it)
 * before the handler that completes the waiting request has run; seen on the real kube-apiserver
 * as an approval that the approver's own lookup showed while the retry was still told "pending".
 * A retry asks the approver to {@link Approver#refresh} first.
 */
class ApproverRefreshTest {

  private static final Identity BOB = Identity.of("bob", "developers");
  private static final KubeRequest DELETE = KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/web");

  /** A watch-like approver: answers land in its cache; only refresh (or a later event) completes. */
  private static final class CacheAheadApprover implements Approver {
    final Map<String, CompletableFuture<ApprovalOutcome>> waiting = new ConcurrentHashMap<>();
    final Map<String, ApprovalOutcome> cache = new ConcurrentHashMap<>();
    boolean throwOnRefresh;

    @Override
    public CompletionStage<ApprovalOutcome> requestApproval(ApprovalRequest request) {
      CompletableFuture<ApprovalOutcome> f = new CompletableFuture<>();
      waiting.put(request.id(), f);
      return f;
    }

    @Override
    public void refresh(ApprovalRequest request) {
      if (throwOnRefresh) {
        throw new IllegalStateException("cache unavailable");
      }
      ApprovalOutcome known = cache.get(request.id());
      if (known != null) {
        waiting.get(request.id()).complete(known);
      }
    }
  }

  private static Guard guard(Approver approver) {
    ApprovalRequirement req = new ApprovalRequirement(List.of("sre"), 1, null, ApprovalMode.REQUEST_THEN_RETRY, null);
    return Guard.builder().policy(q -> Decision.requireApproval("prod", "prod deletes", req)).approver(approver).build();
  }

  @Test
  void aRetryPassesOnAnAnswerTheApproverKnowsEvenBeforeItsHandlerRan() {
    CacheAheadApprover approver = new CacheAheadApprover();
    Guard guard = guard(approver);
    GuardedExchange first = guard.begin(BOB, DELETE, CallContext.now());
    assertThat(first.allowed()).isFalse();
    assertThat(guard.begin(BOB, DELETE, CallContext.now()).message()).contains("is pending");

    approver.cache.put(first.approvalId(), ApprovalOutcome.approved(first.approvalId(), List.of(Identity.of("alice", "sre")), "ok"));

    assertThat(guard.begin(BOB, DELETE, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void aRefreshThatThrowsLeavesTheRequestPending() {
    CacheAheadApprover approver = new CacheAheadApprover();
    approver.throwOnRefresh = true;
    Guard guard = guard(approver);
    String id = guard.begin(BOB, DELETE, CallContext.now()).approvalId();
    approver.cache.put(id, ApprovalOutcome.approved(id, List.of(Identity.of("alice", "sre")), "ok"));

    GuardedExchange retry = guard.begin(BOB, DELETE, CallContext.now());

    assertThat(retry.allowed()).isFalse();
    assertThat(retry.message()).contains("is pending");
  }
}

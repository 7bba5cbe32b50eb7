package dev.kubeguard.api.spi;

import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import java.util.concurrent.CompletionStage;

/**
 * Brings a held request before humans and reports their answer.
 *
 * <p><b>Threading:</b> called from any thread, concurrently. <b>Blocking:</b>
 * {@link #requestApproval} must return at once; the answer comes later by completing the
 * returned stage, on any thread (the Guard stops waiting for this call after its policy timeout).
 * {@link #redeem} may block briefly and must bound itself. <b>Failure:</b> a stage completed
 * exceptionally, anything thrown here, or no answer before {@link ApprovalRequest#expiresAt()} is
 * a denial. The Guard calls {@link #requestApproval} once per distinct request digest and
 * re-checks the outcome (count, groups, no self-approval) itself, so an approver only relays what
 * people said.
 *
 * <p>An approver whose approvals are shared by several Guards (replicas, restarts) overrides the
 * default methods: {@link #approvalId} so every Guard names one approval alike, and
 * {@link #redeem} so a single-use approval is used once across all of them.
 */
@FunctionalInterface
public interface Approver {

  /** Asks for approval of {@code request}; the stage completes with the approvers' answer. */
  CompletionStage<ApprovalOutcome> requestApproval(ApprovalRequest request);

  /**
   * Where and how an approver answers {@code request} (a command, a page), in words the
   * requester (often an AI agent relaying to its user) can pass on; {@code ""} when this approver
   * cannot say. Shown in the 403 of a pending request. Must not block or throw; a throw is
   * treated as {@code ""}.
   */
  default String whereToAnswer(ApprovalRequest request) {
    return "";
  }

  /**
   * The id a new approval of the request with this digest gets, or {@code null} to let the Guard
   * pick a random one (the default). An approver shared by several Guards returns the same id for
   * the same live request, so a retry that reaches another Guard finds the same approval. Ids are
   * 1-63 characters of lower-case letters, digits and {@code -}; anything else is a denial.
   */
  default String approvalId(String digest) {
    return null;
  }

  /**
   * Claims the one use of a single-use approval just before the Guard lets the request through:
   * {@code true} lets it pass. The Guard already guarantees one use within itself, so the default
   * answers {@code true}; an approver shared by several Guards answers {@code true} exactly once
   * across all of them. {@code false} or a throw is a denial.
   */
  default boolean redeem(ApprovalRequest request, ApprovalOutcome outcome) {
    return true;
  }

  /**
   * Called when a retry finds {@code request} still unanswered, just before the Guard answers it
   * "pending": an approver that learns of answers asynchronously (a watch whose cache can run
   * ahead of its event handlers) completes the request's outcome now from what it already knows,
   * so a retry never sees an answer later than this approver's own lookups do. Must not block;
   * a throw is ignored and the request stays pending. The default does nothing.
   */
  default void refresh(ApprovalRequest request) {}
}

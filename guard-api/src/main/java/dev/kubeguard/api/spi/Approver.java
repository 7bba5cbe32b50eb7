package dev.kubeguard.api.spi;

import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import java.util.concurrent.CompletionStage;

/**
 * Brings a held request before humans and reports their answer.
 *
 * <p><b>Threading:</b> called from any thread, concurrently. <b>Blocking:</b> must return at once;
 * the answer comes later by completing the returned stage, on any thread (the Guard stops waiting
 * for this call after its policy timeout). <b>Failure:</b> a stage completed exceptionally,
 * anything thrown here, or no answer before {@link ApprovalRequest#expiresAt()} is a denial.
 * The Guard calls this once per distinct
 * request digest and re-checks the outcome (count, groups, no self-approval) itself, so an
 * approver only relays what people said.
 */
@FunctionalInterface
public interface Approver {

  /** Asks for approval of {@code request}; the stage completes with the approvers' answer. */
  CompletionStage<ApprovalOutcome> requestApproval(ApprovalRequest request);
}

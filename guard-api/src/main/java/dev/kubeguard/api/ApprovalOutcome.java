package dev.kubeguard.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How approvers answered an {@link ApprovalRequest}. The Guard re-checks every approval against
 * the requirement (enough distinct approvers, in the right groups, none of them the requester)
 * before it lets anything through: an {@code Approver} cannot approve more than the policy asked.
 * Immutable.
 *
 * @param status approved, denied or expired
 * @param approvalId the id of the request answered
 * @param approvers who approved (or denied), as verified identities
 * @param reason the approvers' comment, or {@code ""}
 * @param decidedAt when the answer was given
 */
public record ApprovalOutcome(
    Status status, String approvalId, List<Identity> approvers, String reason, Instant decidedAt) {

  /** An approval's end state. Anything but {@code APPROVED} is a denial. */
  public enum Status {
    APPROVED,
    DENIED,
    EXPIRED
  }

  public ApprovalOutcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(approvalId, "approvalId");
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
    reason = RequestInfo.nz(reason);
    Objects.requireNonNull(decidedAt, "decidedAt");
  }

  public static ApprovalOutcome approved(String approvalId, List<Identity> approvers, String reason) {
    return new ApprovalOutcome(Status.APPROVED, approvalId, approvers, reason, Instant.now());
  }

  public static ApprovalOutcome denied(String approvalId, List<Identity> approvers, String reason) {
    return new ApprovalOutcome(Status.DENIED, approvalId, approvers, reason, Instant.now());
  }

  public static ApprovalOutcome expired(String approvalId) {
    return new ApprovalOutcome(Status.EXPIRED, approvalId, List.of(), "approval expired", Instant.now());
  }
}

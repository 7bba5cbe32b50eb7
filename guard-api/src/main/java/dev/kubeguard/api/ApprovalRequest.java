package dev.kubeguard.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A request held for human approval, handed to an {@link dev.kubeguard.api.spi.Approver}.
 *
 * <p>{@code digest} binds the approval to the exact request: SHA-256 over identity, method, path,
 * canonical query and canonical body (hex). An approval given for one digest never lets another
 * request through. Immutable.
 *
 * @param id the approval id shown to the requester and to approvers
 * @param digest the request digest (lower-case hex SHA-256)
 * @param request what is asked
 * @param decision the policy decision that asked for approval (its requirement included)
 * @param requestedAt when the approval was asked for
 * @param expiresAt when an unanswered request expires (a denial)
 */
public record ApprovalRequest(
    String id, String digest, AccessRequest request, Decision decision, Instant requestedAt, Instant expiresAt) {

  public ApprovalRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (decision.obligations().approval() == null) {
      throw new IllegalArgumentException("an approval request needs a decision with an ApprovalRequirement");
    }
  }

  /** What approving takes. */
  public ApprovalRequirement requirement() {
    return decision.obligations().approval();
  }
}

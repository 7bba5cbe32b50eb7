package dev.kubeguard.core.approval;

import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Identity;

/**
 * Who may answer a held request: never its requester (same user, or same non-empty uid), and,
 * when the requirement names approver groups, only someone in one of them. Every approver
 * surface asks this at the moment an answer is given, so an answer from anyone else is refused
 * there and changes nothing; the Guard asks it again of every outcome before anything passes.
 *
 * <p>Stateless and thread-safe.
 */
public final class ApproverEligibility {

  private ApproverEligibility() {}

  /**
   * Why {@code answerer} may not answer {@code request}, in words to show them, or {@code null}
   * when they may.
   */
  public static String whyNot(Identity answerer, ApprovalRequest request) {
    return whyNot(answerer, request.request().identity(), request.requirement(), request.id());
  }

  /**
   * Why {@code answerer} may not answer approval {@code approvalId} of {@code requester}'s request
   * under {@code req}, or {@code null} when they may (for approvers that keep requests elsewhere).
   */
  public static String whyNot(Identity answerer, Identity requester, ApprovalRequirement req, String approvalId) {
    if (answerer == null) {
      return "an answer to " + approvalId + " needs the verified identity of whoever gives it";
    }
    if (answerer.user().equals(requester.user())
        || (!requester.uid().isEmpty() && answerer.uid().equals(requester.uid()))) {
      return answerer.user() + " requested " + approvalId + " and cannot approve their own request, nor deny it";
    }
    if (!req.approverGroups().isEmpty() && answerer.groups().stream().noneMatch(req.approverGroups()::contains)) {
      return answerer.user() + " is not in an approver group of " + approvalId + " " + req.approverGroups()
          + "; only members of those groups may answer it";
    }
    return null;
  }
}

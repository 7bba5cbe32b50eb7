package dev.kubeguard.approval.web;

import dev.kubeguard.api.Identity;
import dev.kubeguard.approval.kubernetes.PendingApproval;

/**
 * A signed-in approver: the identity their token proved and how. Holds no token. Immutable.
 *
 * @param provenBy {@link BearerProof#KUBERNETES} or {@link BearerProof#OIDC}
 */
record Viewer(Identity identity, String provenBy) {

  /**
   * Whether this viewer may see {@code p}. A Kubernetes identity passed a SubjectAccessReview
   * for {@code list} on every ApprovalRequest of the namespace; an OIDC identity proves only
   * who, so it sees just the requests its groups may approve.
   */
  boolean maySee(PendingApproval p) {
    if (BearerProof.KUBERNETES.equals(provenBy)) {
      return true;
    }
    return p.approverGroups().stream().anyMatch(identity::inGroup);
  }
}

package dev.kubeguard.samples.mcp;

import dev.kubeguard.api.Identity;
import dev.kubeguard.approval.kubernetes.AnswerRefusedException;
import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The desk when a cluster is configured: held requests are ApprovalRequest objects
 * ({@link KubernetesApprover}), shared by every replica of this server and surviving restarts.
 * An answer is proven by the approver itself, again, from the answerer's own token (OIDC with the
 * policy's approver groups, or a Kubernetes identity allowed verb {@code approve}), so this desk
 * only relays it; {@code kubeguard approvals approve ID} answers the same objects.
 *
 * <p>Thread-safe. Lists only ids: what each request is lives in its object ({@code kubectl get
 * apr -n NAMESPACE -o yaml} shows the masked body and diff).
 */
final class ClusterDesk implements ApprovalDesk {
  private final KubernetesApprover approver;
  private final URI approvalsUrl;
  private final String namespace;

  ClusterDesk(KubernetesApprover approver, URI approvalsUrl, String namespace) {
    this.approver = approver;
    this.approvalsUrl = approvalsUrl;
    this.namespace = namespace;
  }

  @Override
  public KubernetesApprover approver() {
    return approver;
  }

  @Override
  public List<Map<String, Object>> answerableBy(Identity who) {
    // Who may answer is decided when the answer is given (and proven); the list shows what waits.
    return approver.pending().stream().map(id -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("namespace", namespace);
      m.put("approve", "POST /approvals/" + id + "/approve");
      return m;
    }).toList();
  }

  @Override
  public String howToApprove(String id) {
    return "Ask a member of an approver group (not the requester) to approve it with their own token: POST "
        + approvalsUrl + "/" + id + "/approve (Authorization: Bearer <their token>), or kubeguard approvals approve "
        + id + " -n " + namespace + ". Once approved, call this tool again with exactly the same arguments.";
  }

  @Override
  public boolean answer(String id, Identity who, String bearerToken, boolean approve, String comment) {
    try {
      approver.answer(id, bearerToken, approve, comment);
      return true;
    } catch (AnswerRefusedException e) {
      int status = e.getMessage().startsWith("no approval ") ? 404 : 403;
      throw new ApprovalRefusedException(status, e.getMessage());
    }
  }
}

package dev.kubeguard.samples.mcp;

import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.approval.ManualApprover;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's desk, when no cluster is configured: the core {@link ManualApprover}
 * (request-then-retry, in this process's memory), plus what a requester and an approver need to
 * know about one request. Approvers answer on the server's approvals endpoint
 * ({@link ApprovalServlet}), never through MCP: an agent must not be able to approve its own request.
 *
 * <p>Thread-safe, like the ManualApprover it wraps. {@link #answer} throws
 * {@link ApprovalRefusedException} saying why an answer is not accepted.
 */
final class ManualDesk implements ApprovalDesk {
  private final ManualApprover approver;
  private final URI approvalsUrl;

  ManualDesk(ManualApprover approver, URI approvalsUrl) {
    this.approver = approver;
    this.approvalsUrl = approvalsUrl;
  }

  @Override
  public ManualApprover approver() {
    return approver;
  }

  /** The endpoint approving {@code id}. */
  URI approveUrl(String id) {
    return URI.create(approvalsUrl + "/" + id + "/approve");
  }

  /** The pending request {@code id}, if it is still waiting. */
  Optional<ApprovalRequest> pending(String id) {
    return approver.pending().stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /** The requests {@code who} may answer: pending, not their own, in their approver groups. */
  @Override
  public List<Map<String, Object>> answerableBy(Identity who) {
    return approver.pending().stream().filter(r -> refusal(r, who) == null).map(ManualDesk::summary).toList();
  }

  private static Map<String, Object> summary(ApprovalRequest r) {
    var attributes = r.request().attributes();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("requester", r.request().identity().user());
    m.put("verb", attributes.verb());
    m.put("resource", attributes.resource());
    m.put("namespace", attributes.namespace());
    m.put("name", attributes.name());
    m.put("tool", r.request().context().tool());
    m.put("expiresAt", r.expiresAt().toString());
    m.put("approve", "POST " + "/approvals/" + r.id() + "/approve");
    return m;
  }

  /** For the requester: who may approve {@code id} and where, or {@code ""} if it is not pending. */
  @Override
  public String howToApprove(String id) {
    return pending(id)
        .map(r -> {
          List<String> groups = r.requirement().approverGroups();
          String who = groups.isEmpty() ? "another user" : "a member of group " + String.join(" or ", groups);
          return "Ask " + who + " (not " + r.request().identity().user() + ") to approve it on the"
              + " approvals endpoint with their own token: POST " + approveUrl(id)
              + " (Authorization: Bearer <their token>). It expires at " + r.expiresAt()
              + ". Once approved, call this tool again with exactly the same arguments.";
        })
        .orElse("");
  }

  /**
   * Records {@code who}'s answer to {@code id}.
   *
   * @return true when the request is now approved (enough approvers)
   */
  @Override
  public boolean answer(String id, Identity who, String bearerToken, boolean approve, String comment) {
    ApprovalRequest request =
        pending(id).orElseThrow(() -> new ApprovalRefusedException(404, "no pending approval " + id + " (unknown, answered or expired)"));
    String refusal = refusal(request, who);
    if (refusal != null) {
      throw new ApprovalRefusedException(403, refusal);
    }
    try {
      if (approve) {
        return approver.approve(id, who, comment);
      }
      approver.deny(id, who, comment);
      return false;
    } catch (IllegalArgumentException gone) {
      // Answered or expired between the lookup and now.
      throw new ApprovalRefusedException(404, "no pending approval " + id + " (answered or expired)");
    }
  }

  private static String refusal(ApprovalRequest request, Identity who) {
    if (who.user().equals(request.request().identity().user())) {
      return who.user() + " requested " + request.id() + " and cannot answer it";
    }
    List<String> groups = request.requirement().approverGroups();
    if (!groups.isEmpty() && groups.stream().noneMatch(who::inGroup)) {
      return who.user() + " is not in an approver group of " + request.id() + " (" + String.join(", ", groups) + ")";
    }
    return null;
  }
}

package dev.kubeguard.core.approval;

import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import java.util.stream.Collectors;

/**
 * The words a pending request's 403 carries: the approval id, who may approve, where, and that
 * the caller cannot approve it itself. Written for an AI agent to relay to its user as is, since
 * the approval must never travel through the agent's own channel (an agent asked to confirm in
 * its own conversation could simply say yes). Stateless and thread-safe.
 */
final class PendingNotice {

  private PendingNotice() {}

  static String of(ApprovalRequest request, String where) {
    ApprovalRequirement req = request.requirement();
    String id = request.id();
    String requester = request.request().identity().user();
    String who = (req.count() == 1 ? "1 person" : req.count() + " different people")
        + (req.approverGroups().isEmpty() ? "" : " in " + groups(req))
        + ", not the requester " + quote(requester);
    String place = where == null || where.isBlank()
        ? "through the approval surface your KubeGuard operator set up (none is named here)"
        : where.replace("{id}", id);
    return "approval " + id + " is pending. Who may approve: " + who + ". Where: " + place + ". "
        + "The caller cannot approve this itself, and no approval is accepted through this conversation or"
        + " this API call: tell your user that request " + id + " is waiting for approval, then retry the identical"
        + " request (same method, path, query, headers and body) once it is approved, before "
        + request.expiresAt() + ".";
  }

  private static String groups(ApprovalRequirement req) {
    String names = req.approverGroups().stream().map(PendingNotice::quote).collect(Collectors.joining(" or "));
    return "group " + names;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}

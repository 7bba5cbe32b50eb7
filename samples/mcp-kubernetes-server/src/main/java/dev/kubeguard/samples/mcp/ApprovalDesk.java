package dev.kubeguard.samples.mcp;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.Approver;
import java.util.List;
import java.util.Map;

/**
 * Where held requests wait and how they are answered, whichever approver holds them: the
 * in-process {@link ManualDesk} for the embedded demo, the cluster-backed {@link ClusterDesk}
 * when a cluster is configured. Approvers answer on the server's approvals endpoint
 * ({@link ApprovalServlet}), never through MCP: an agent must not be able to approve its own request.
 *
 * <p>Implementations are thread-safe. {@link #answer} throws {@link ApprovalRefusedException}
 * saying why an answer is not accepted; nothing changes then.
 */
interface ApprovalDesk {

  /** The approver to configure on the Guard. */
  Approver approver();

  /** What {@code who} may answer, as JSON-ready summaries. */
  List<Map<String, Object>> answerableBy(Identity who);

  /** For the requester: who may approve {@code id} and where, or {@code ""} if it is not known. */
  String howToApprove(String id);

  /**
   * Records the answer of {@code who}, whose own token {@code bearerToken} was verified by the
   * endpoint (a cluster-backed desk proves it again, itself).
   *
   * @return true when the request is now decided, as far as this desk can tell
   */
  boolean answer(String id, Identity who, String bearerToken, boolean approve, String comment);

  /** An answer that is not accepted, with the HTTP status to answer it with. */
  final class ApprovalRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApprovalRefusedException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}

package dev.kubeguard.api;

/** How a request that needs approval waits for it. */
public enum ApprovalMode {
  /** The call waits for the approvers, bounded by the Guard's approval timeout. */
  BLOCKING,
  /**
   * The call is answered at once with a 403 carrying the approval id; the identical request,
   * retried once approved, passes.
   */
  REQUEST_THEN_RETRY
}

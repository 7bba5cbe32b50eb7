package dev.kubeguard.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What approving a request takes: {@code count} distinct approvers, each in one of
 * {@code approverGroups} (any group when empty) and never the requester, within {@code ttl} of the
 * request. An approval is single-use unless {@code reuseWindow} is positive, in which case the
 * identical request passes again for that long after approval.
 *
 * <p>Immutable; the constructor rejects a count below 1, a non-positive ttl and a negative window.
 */
public record ApprovalRequirement(
    List<String> approverGroups, int count, Duration ttl, ApprovalMode mode, Duration reuseWindow) {

  /** Used when a policy asks for approval without saying for how long. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

  public ApprovalRequirement {
    approverGroups = approverGroups == null ? List.of() : List.copyOf(approverGroups);
    if (count < 1) {
      throw new IllegalArgumentException("approval count must be at least 1, got " + count);
    }
    ttl = ttl == null ? DEFAULT_TTL : ttl;
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("approval ttl must be positive, got " + ttl);
    }
    mode = Objects.requireNonNullElse(mode, ApprovalMode.REQUEST_THEN_RETRY);
    reuseWindow = reuseWindow == null ? Duration.ZERO : reuseWindow;
    if (reuseWindow.isNegative()) {
      throw new IllegalArgumentException("approval reuse window must not be negative");
    }
  }

  /** One approver from {@code groups}, default ttl, request-then-retry, single use. */
  public static ApprovalRequirement of(String... groups) {
    return new ApprovalRequirement(List.of(groups), 1, DEFAULT_TTL, ApprovalMode.REQUEST_THEN_RETRY, Duration.ZERO);
  }

  /** Whether the approval may be used more than once. */
  public boolean reusable() {
    return !reuseWindow.isZero();
  }
}

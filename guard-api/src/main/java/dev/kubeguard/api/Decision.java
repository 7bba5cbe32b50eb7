package dev.kubeguard.api;

import java.util.Map;
import java.util.Objects;

/**
 * A policy's answer: an effect, why, which rule gave it, what it obliges, and free-form
 * annotations for the audit trail (an OPA {@code decision_id}, say).
 *
 * <p>Across rules, precedence is {@code DENY > REQUIRE_APPROVAL > ALLOW}, and nothing matched is
 * a denial. Immutable; a {@code REQUIRE_APPROVAL} decision always carries an
 * {@link ApprovalRequirement}.
 *
 * @param effect allow, deny or require approval
 * @param reason a human-readable reason, shown in a denial's message
 * @param ruleId the rule that decided, or {@code ""} when none matched
 * @param obligations audit level, masking profile, approval requirement
 * @param annotations extra facts for the audit event, keys without the {@code kubeguard.dev/} prefix
 */
public record Decision(
    Effect effect, String reason, String ruleId, Obligations obligations, Map<String, String> annotations) {

  /** The three answers a policy can give. */
  public enum Effect {
    ALLOW,
    DENY,
    REQUIRE_APPROVAL;

    /** Precedence rank: a higher rank wins when two rules match. */
    public int rank() {
      return switch (this) {
        case ALLOW -> 0;
        case REQUIRE_APPROVAL -> 1;
        case DENY -> 2;
      };
    }
  }

  public Decision {
    Objects.requireNonNull(effect, "effect");
    reason = RequestInfo.nz(reason);
    ruleId = RequestInfo.nz(ruleId);
    obligations = Objects.requireNonNullElse(obligations, Obligations.defaults());
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    if (effect == Effect.REQUIRE_APPROVAL && obligations.approval() == null) {
      throw new IllegalArgumentException("a REQUIRE_APPROVAL decision needs an ApprovalRequirement");
    }
  }

  public static Decision allow() {
    return new Decision(Effect.ALLOW, "allowed", "", null, null);
  }

  public static Decision allow(String ruleId, String reason) {
    return new Decision(Effect.ALLOW, reason, ruleId, null, null);
  }

  public static Decision deny(String reason) {
    return new Decision(Effect.DENY, reason, "", null, null);
  }

  public static Decision deny(String ruleId, String reason) {
    return new Decision(Effect.DENY, reason, ruleId, null, null);
  }

  public static Decision requireApproval(String ruleId, String reason, ApprovalRequirement requirement) {
    return new Decision(
        Effect.REQUIRE_APPROVAL, reason, ruleId, Obligations.defaults().withApproval(requirement), null);
  }

  /** This decision with {@code o}; this instance itself when {@code o} is its own obligations. */
  public Decision withObligations(Obligations o) {
    if (o == obligations) {
      return this;
    }
    return new Decision(effect, reason, ruleId, o, annotations);
  }

  public Decision withAnnotations(Map<String, String> a) {
    return new Decision(effect, reason, ruleId, obligations, a);
  }

  public boolean isAllowed() {
    return effect == Effect.ALLOW;
  }
}

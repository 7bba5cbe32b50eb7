package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import java.util.Objects;

/**
 * One rule ready for evaluation, from a GuardPolicy rule or from one rule of a role an RBAC
 * binding grants. {@code ordinal} is the rule's position in load order: among matching rules with
 * the same effect the lowest ordinal decides, so answers are deterministic.
 *
 * <p>Allow and approval decisions do not depend on the request, so they are built once here and
 * returned as they are; a denial's reason names the request and is built when it happens.
 * Immutable and thread-safe.
 *
 * @param id the decision's rule id ({@code sre-approve-deletes}, {@code rbac:RoleBinding/ns/name})
 * @param ordinal position in load order
 * @param effect what the rule decides when it matches
 * @param subjects whom it applies to
 * @param scope which namespaces it covers
 * @param match what requests it covers
 * @param obligations audit level, masking profile and, for approvals, the approval requirement
 * @param description how reasons name the rule ({@code rule "x"}, {@code RoleBinding "a/b" of ClusterRole "c"})
 */
record CompiledRule(
    String id,
    int ordinal,
    Decision.Effect effect,
    Subjects subjects,
    NamespaceScope scope,
    RuleMatch match,
    Obligations obligations,
    String description,
    Decision fixedDecision) {

  public CompiledRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(subjects, "subjects");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(obligations, "obligations");
    Objects.requireNonNull(description, "description");
    if (effect == Decision.Effect.REQUIRE_APPROVAL && obligations.approval() == null) {
      throw new IllegalArgumentException("rule " + id + " requires approval but has no approval requirement");
    }
  }

  /** A rule whose allow or approval decision is prepared once. */
  public static CompiledRule of(
      String id, int ordinal, Decision.Effect effect, Subjects subjects, NamespaceScope scope,
      RuleMatch match, Obligations obligations, String description) {
    // Reasons say why; the Guard words the Kubernetes Forbidden message around them.
    String why =
        switch (effect) {
          case ALLOW -> "allowed by ";
          case REQUIRE_APPROVAL -> "approval required by ";
          case DENY -> "denied by ";
        };
    Decision fixed = new Decision(effect, why + description, id, obligations, null);
    return new CompiledRule(id, ordinal, effect, subjects, scope, match, obligations, description, fixed);
  }

  /** The same rule at another position. */
  public CompiledRule withOrdinal(int newOrdinal) {
    return new CompiledRule(
        id, newOrdinal, effect, subjects, scope, match, obligations, description, fixedDecision);
  }

  /** Whether this rule covers the question, subjects aside. */
  public boolean covers(Attributes a) {
    return scope.matches(a.namespace()) && match.matches(a);
  }

  /** Whether this rule beats {@code other} (which may be {@code null}) when both match. */
  public boolean beats(CompiledRule other) {
    if (other == null) {
      return true;
    }
    int r = effect.rank() - other.effect.rank();
    return r > 0 || (r == 0 && ordinal < other.ordinal);
  }

  /** The decision this rule gives for a question it matched. */
  public Decision decisionFor(Identity identity, Attributes a) {
    return fixedDecision;
  }
}

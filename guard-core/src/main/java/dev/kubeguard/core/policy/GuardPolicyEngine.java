package dev.kubeguard.core.policy;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.PolicyEngine;
import java.util.List;

/**
 * The built-in policy engine: GuardPolicy rules and native RBAC objects, loaded by {@link
 * PolicyLoader} (which documents the GuardPolicy schema), decided in memory.
 *
 * <p><b>Semantics.</b> Every rule whose subjects include the identity (its user name, or one of
 * its groups), whose namespace scope covers the request's namespace and whose match covers the
 * request (RBAC {@code PolicyRule} semantics, exactly as kube-apiserver's RBAC authorizer) is a
 * match. The answer is the matching rule with the highest-ranked effect, {@code DENY >
 * REQUIRE_APPROVAL > ALLOW}; among rules with the same effect, the first in load order decides,
 * and its id and obligations are the decision's. RBAC bindings contribute allow rules with ids
 * {@code rbac:ClusterRoleBinding/<name>} and {@code rbac:RoleBinding/<namespace>/<name>} and
 * default obligations. Nothing matched is a denial with kube-apiserver's wording, e.g. {@code
 * User "bob" cannot get resource "secrets" in API group "" in the namespace "shop": no rule
 * allows it}.
 *
 * <p><b>Performance.</b> Rules are indexed by subject, namespace, verb and resource (or URL) at
 * load, globs compiled once and subject and namespace globs filed by their literal prefix or
 * suffix ({@code GlobIndex}), so a decision touches only candidate rules, however many glob
 * subjects the policy has, and allocates nothing (the denial without a matching rule is a
 * constant too). See {@code PolicyDecisionBenchmark} in guard-bench.
 *
 * <p><b>Threading and failure.</b> Immutable and thread-safe; {@link #decide} never blocks and
 * never throws for a well-formed request.
 */
public final class GuardPolicyEngine implements PolicyEngine {

  private final RuleIndex index;

  GuardPolicyEngine(List<CompiledRule> rules) {
    this.index = RuleIndex.build(List.copyOf(rules));
  }

  private static final Decision NO_RULE = Decision.deny("no rule allows it");

  @Override
  public Decision decide(AccessRequest request) {
    return decide(request.identity(), request.attributes());
  }

  /** Decides one question for one identity, as {@link #decide(AccessRequest)} does. */
  public Decision decide(Identity identity, Attributes attributes) {
    CompiledRule winner = index.winner(identity, attributes);
    if (winner == null) {
      return NO_RULE;
    }
    return winner.decisionFor(identity, attributes);
  }

  /** How many rules the engine holds (one per rule of each bound role, one per GuardPolicy rule). */
  public int ruleCount() {
    return index.size();
  }

  @Override
  public String toString() {
    return "GuardPolicyEngine[" + index.size() + " rules]";
  }
}

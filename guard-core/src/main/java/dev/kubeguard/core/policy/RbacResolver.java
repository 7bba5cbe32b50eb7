package dev.kubeguard.core.policy;

import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Obligations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves bindings to the rules of the roles they name, as kube-apiserver's rule resolver does:
 * a ClusterRoleBinding grants its ClusterRole's rules everywhere; a RoleBinding grants its Role's
 * (same namespace) or ClusterRole's rules only in its own namespace. ClusterRoles with an
 * {@code aggregationRule} get the rules of every other loaded ClusterRole their selectors match
 * (their own {@code rules} are replaced, as the aggregation controller does), repeated until
 * nothing changes so aggregates of aggregates resolve. A binding to a role that was not loaded,
 * and a role or binding defined twice, are load errors. Single-use, not thread-safe.
 */
final class RbacResolver {

  private final Map<String, RbacObjects.Role> roles = new HashMap<>();
  private final Map<String, RbacObjects.Role> clusterRoles = new HashMap<>();
  private final Map<String, Node> bindingNames = new HashMap<>();
  private Map<String, List<RuleMatch>> effectiveClusterRules;

  void addRole(RbacObjects.Role role) throws PolicyLoadException {
    Map<String, RbacObjects.Role> target = role.namespace().isEmpty() ? clusterRoles : roles;
    String key = role.namespace().isEmpty() ? role.name() : role.key();
    RbacObjects.Role previous = target.putIfAbsent(key, role);
    if (previous != null) {
      throw role.node().get("metadata").get("name").error(
          role.kind() + " \"" + key + "\" is defined twice (first in " + where(previous.node()) + ")");
    }
  }

  void addBinding(RbacObjects.Binding binding, Node doc) throws PolicyLoadException {
    String key = binding.kind() + "/" + binding.namespace() + "/" + binding.name();
    Node previous = bindingNames.putIfAbsent(key, doc);
    if (previous != null) {
      String shown = binding.namespace().isEmpty() ? binding.name() : binding.namespace() + "/" + binding.name();
      throw doc.get("metadata").get("name").error(
          binding.kind() + " \"" + shown + "\" is defined twice (first in " + where(previous) + ")");
    }
  }

  /**
   * The allow rules {@code binding} grants, numbered from {@code firstOrdinal}, with the load's
   * default {@code obligations} (RBAC objects have no place to say their own).
   */
  List<CompiledRule> rulesOf(RbacObjects.Binding binding, int firstOrdinal, Obligations obligations)
      throws PolicyLoadException {
    List<RuleMatch> matches;
    if (binding.roleKind().equals("Role")) {
      RbacObjects.Role role = roles.get(binding.namespace() + "/" + binding.roleName());
      if (role == null) {
        throw binding.roleRef().error(
            "roleRef names Role \"" + binding.roleName() + "\" in namespace \"" + binding.namespace()
                + "\", which is not in the loaded policy sources; load it too");
      }
      matches = role.rules();
    } else {
      matches = effectiveClusterRules().get(binding.roleName());
      if (matches == null) {
        throw binding.roleRef().error(
            "roleRef names ClusterRole \"" + binding.roleName()
                + "\", which is not in the loaded policy sources; load it too (kubectl get clusterrole "
                + binding.roleName() + " -o yaml)");
      }
    }
    NamespaceScope scope =
        binding.namespace().isEmpty() ? NamespaceScope.everywhere() : NamespaceScope.exactly(binding.namespace());
    List<CompiledRule> out = new ArrayList<>(matches.size());
    int ordinal = firstOrdinal;
    for (RuleMatch m : matches) {
      out.add(
          CompiledRule.of(
              binding.ruleId(), ordinal++, Decision.Effect.ALLOW, binding.subjects(), scope, m,
              obligations, binding.description()));
    }
    return out;
  }

  private Map<String, List<RuleMatch>> effectiveClusterRules() {
    if (effectiveClusterRules != null) {
      return effectiveClusterRules;
    }
    Map<String, List<RuleMatch>> effective = new HashMap<>();
    List<RbacObjects.Role> byName = new ArrayList<>(clusterRoles.values());
    byName.sort(Comparator.comparing(RbacObjects.Role::name));
    for (RbacObjects.Role r : byName) {
      effective.put(r.name(), r.aggregation() == null ? r.rules() : List.of());
    }
    // Each pass can only add rules, and there are finitely many, so this reaches a fixpoint.
    boolean changed = true;
    while (changed) {
      changed = false;
      for (RbacObjects.Role aggregate : byName) {
        if (aggregate.aggregation() == null) {
          continue;
        }
        LinkedHashSet<RuleMatch> rules = new LinkedHashSet<>();
        for (AggregationSelector selector : aggregate.aggregation()) {
          for (RbacObjects.Role member : byName) {
            if (!member.name().equals(aggregate.name()) && selector.matches(member.labels())) {
              rules.addAll(effective.get(member.name()));
            }
          }
        }
        List<RuleMatch> next = List.copyOf(rules);
        if (!Objects.equals(next, effective.get(aggregate.name()))) {
          effective.put(aggregate.name(), next);
          changed = true;
        }
      }
    }
    effectiveClusterRules = effective;
    return effective;
  }

  private static String where(Node n) {
    return n.document().source() + " document " + n.document().number();
  }
}

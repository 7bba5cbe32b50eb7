package dev.kubeguard.core.policy;

import java.util.List;
import java.util.Map;

/** The RBAC objects a policy source may hold, as read, before bindings are resolved to roles. */
final class RbacObjects {

  private RbacObjects() {}

  /**
   * A Role ({@code namespace} set) or ClusterRole ({@code namespace} {@code ""}).
   *
   * @param aggregation the ClusterRole's aggregationRule selectors, or {@code null} without one
   */
  record Role(
      String kind,
      String namespace,
      String name,
      Map<String, String> labels,
      List<RuleMatch> rules,
      List<AggregationSelector> aggregation,
      Node node) {

    Role {
      labels = Map.copyOf(labels);
      rules = List.copyOf(rules);
      aggregation = aggregation == null ? null : List.copyOf(aggregation);
    }

    String key() {
      return namespace + "/" + name;
    }
  }

  /** A RoleBinding ({@code namespace} set) or ClusterRoleBinding ({@code namespace} {@code ""}). */
  record Binding(
      String kind,
      String namespace,
      String name,
      String roleKind,
      String roleName,
      Subjects subjects,
      Node roleRef) {

    String ruleId() {
      return namespace.isEmpty() ? "rbac:" + kind + "/" + name : "rbac:" + kind + "/" + namespace + "/" + name;
    }

    /** How kube-apiserver's "RBAC: allowed by ..." reason names the binding. */
    String description() {
      String who = namespace.isEmpty() ? name : name + "/" + namespace;
      return kind + " \"" + who + "\" of " + roleKind + " \"" + roleName + "\"";
    }
  }
}

package dev.kubeguard.core.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Writes RBAC manifests for tests, shaped like the helpers of Kubernetes' rbac_test.go. */
final class RbacYaml {

  private RbacYaml() {}

  /** rbac_test.go's newRule: each argument is split on ',' so "" becomes [""]. */
  static String newRule(String verbs, String apiGroups, String resources, String nonResourceURLs) {
    return "  - verbs: " + list(split(verbs)) + "\n    apiGroups: " + list(split(apiGroups))
        + "\n    resources: " + list(split(resources)) + "\n    nonResourceURLs: " + list(split(nonResourceURLs)) + "\n";
  }

  /** A resource rule without URLs, like rbacv1helpers.NewRule(verbs).Groups(..).Resources(..). */
  static String resourceRule(List<String> verbs, List<String> groups, List<String> resources, List<String> names) {
    return "  - verbs: " + list(verbs) + "\n    apiGroups: " + list(groups) + "\n    resources: " + list(resources)
        + "\n    resourceNames: " + list(names) + "\n";
  }

  /** A non-resource rule, like rbacv1helpers.NewRule(verbs).URLs(..). */
  static String urlRule(List<String> verbs, List<String> urls) {
    return "  - verbs: " + list(verbs) + "\n    nonResourceURLs: " + list(urls) + "\n";
  }

  static String clusterRole(String name, String... rules) {
    return "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: " + quote(name)
        + "\nrules:\n" + String.join("", rules);
  }

  static String role(String namespace, String name, String... rules) {
    return "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: " + quote(name)
        + "\n  namespace: " + quote(namespace) + "\nrules:\n" + String.join("", rules);
  }

  /** Subjects as "Kind:name" or "ServiceAccount:ns:name" (namespace may be empty). */
  static String clusterRoleBinding(String name, String clusterRole, String... subjects) {
    return "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: " + quote(name)
        + "\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: " + quote(clusterRole) + "}\n"
        + subjects(subjects);
  }

  static String roleBinding(String namespace, String name, String roleKind, String roleName, String... subjects) {
    return "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: " + quote(name)
        + "\n  namespace: " + quote(namespace) + "\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + roleKind
        + ", name: " + quote(roleName) + "}\n" + subjects(subjects);
  }

  private static String subjects(String... subjects) {
    StringBuilder b = new StringBuilder("subjects:\n");
    for (String s : subjects) {
      String[] p = s.split(":", 2);
      if (p[0].equals("ServiceAccount")) {
        String[] nsName = p[1].split(":", 2);
        b.append("- {kind: ServiceAccount, namespace: ").append(quote(nsName[0])).append(", name: ")
            .append(quote(nsName[1])).append("}\n");
      } else {
        b.append("- {kind: ").append(p[0]).append(", apiGroup: rbac.authorization.k8s.io, name: ")
            .append(quote(p[1])).append("}\n");
      }
    }
    return b.toString();
  }

  static List<String> split(String csv) {
    return Arrays.asList(csv.split(",", -1));
  }

  static String list(List<String> items) {
    List<String> q = new ArrayList<>();
    for (String i : items) {
      q.add(quote(i));
    }
    return "[" + String.join(", ", q) + "]";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

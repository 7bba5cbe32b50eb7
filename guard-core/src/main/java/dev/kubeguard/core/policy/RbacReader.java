package dev.kubeguard.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code rbac.authorization.k8s.io/v1} Role, ClusterRole, RoleBinding and
 * ClusterRoleBinding documents, checking what kube-apiserver's validation checks where a mistake
 * would otherwise silently grant nothing or the wrong thing (a rule without verbs, a Role with
 * nonResourceURLs, a ClusterRoleBinding to a Role, a service account without a namespace in a
 * ClusterRoleBinding). Metadata may carry any fields, so {@code kubectl get -o yaml} output
 * loads. Stateless.
 */
final class RbacReader {

  static final String GROUP = "rbac.authorization.k8s.io";
  private static final Set<String> ROLE = Set.of("apiVersion", "kind", "metadata", "rules");
  private static final Set<String> CLUSTER_ROLE =
      Set.of("apiVersion", "kind", "metadata", "rules", "aggregationRule");
  private static final Set<String> BINDING = Set.of("apiVersion", "kind", "metadata", "subjects", "roleRef");
  private static final Set<String> RULE =
      Set.of("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs");
  private static final Set<String> AGGREGATION = Set.of("clusterRoleSelectors");
  private static final Set<String> SUBJECT = Set.of("kind", "apiGroup", "name", "namespace");
  private static final Set<String> ROLE_REF = Set.of("apiGroup", "kind", "name");

  private RbacReader() {}

  static RbacObjects.Role role(Node doc, String kind) throws PolicyLoadException {
    boolean cluster = kind.equals("ClusterRole");
    doc.requireFields(cluster ? CLUSTER_ROLE : ROLE);
    Node metadata = doc.get("metadata").requireObject();
    String name = metadata.get("name").string();
    String namespace = cluster ? "" : namespace(metadata, kind);
    Map<String, String> labels = metadata.get("labels").stringMap();
    List<RuleMatch> rules = new ArrayList<>();
    for (Node r : doc.get("rules").items()) {
      rules.add(rule(r, !cluster));
    }
    List<AggregationSelector> aggregation = null;
    Node agg = doc.get("aggregationRule");
    if (!agg.isMissing()) {
      agg.requireFields(AGGREGATION);
      aggregation = new ArrayList<>();
      for (Node s : agg.get("clusterRoleSelectors").items()) {
        aggregation.add(AggregationSelector.read(s));
      }
    }
    return new RbacObjects.Role(kind, namespace, name, labels, rules, aggregation, doc);
  }

  static RbacObjects.Binding binding(Node doc, String kind) throws PolicyLoadException {
    boolean cluster = kind.equals("ClusterRoleBinding");
    doc.requireFields(BINDING);
    Node metadata = doc.get("metadata").requireObject();
    String name = metadata.get("name").string();
    String namespace = cluster ? "" : namespace(metadata, kind);
    Node roleRef = doc.get("roleRef");
    if (roleRef.isMissing()) {
      throw roleRef.error("is required");
    }
    roleRef.requireFields(ROLE_REF);
    Node refGroup = roleRef.get("apiGroup");
    String group = refGroup.stringOr("");
    if (!group.equals(GROUP)) {
      throw refGroup.error("roleRef.apiGroup must be " + GROUP + ", got \"" + group + "\"");
    }
    Node refKind = roleRef.get("kind");
    String roleKind = refKind.string();
    if (!roleKind.equals("ClusterRole") && !(roleKind.equals("Role") && !cluster)) {
      throw refKind.error(
          cluster
              ? "a ClusterRoleBinding can only refer to a ClusterRole, got \"" + roleKind + "\""
              : "roleRef.kind must be Role or ClusterRole, got \"" + roleKind + "\"");
    }
    String roleName = roleRef.get("name").string();
    List<Glob> users = new ArrayList<>();
    List<Glob> groups = new ArrayList<>();
    for (Node s : doc.get("subjects").items()) {
      subject(s, namespace, users, groups);
    }
    return new RbacObjects.Binding(
        kind, namespace, name, roleKind, roleName, new Subjects(users, groups), roleRef.get("name"));
  }

  private static String namespace(Node metadata, String kind) throws PolicyLoadException {
    Node ns = metadata.get("namespace");
    if (ns.isMissing()) {
      throw ns.error("is required: a " + kind + " lives in a namespace");
    }
    return ns.string();
  }

  private static RuleMatch rule(Node r, boolean namespaced) throws PolicyLoadException {
    if (r.isMissing()) {
      throw r.error("a rule must be an object, got null");
    }
    r.requireFields(RULE);
    List<String> verbs = r.get("verbs").strings();
    if (verbs.isEmpty()) {
      throw r.get("verbs").error("verbs must contain at least one value");
    }
    List<String> groups = r.get("apiGroups").strings();
    List<String> resources = r.get("resources").strings();
    List<String> names = r.get("resourceNames").strings();
    List<String> urls = r.get("nonResourceURLs").strings();
    if (!urls.isEmpty()) {
      if (namespaced) {
        throw r.get("nonResourceURLs").error("namespaced rules cannot apply to non-resource URLs (put them in a ClusterRole)");
      }
    } else {
      if (groups.isEmpty()) {
        throw r.get("apiGroups").error("resource rules must supply at least one api group");
      }
      if (resources.isEmpty()) {
        throw r.get("resources").error("resource rules must supply at least one resource");
      }
    }
    return new RuleMatch(verbs, groups, resources, names, urls);
  }

  private static void subject(Node s, String bindingNamespace, List<Glob> users, List<Glob> groups)
      throws PolicyLoadException {
    if (s.isMissing()) {
      throw s.error("a subject must be an object, got null");
    }
    s.requireFields(SUBJECT);
    Node kindNode = s.get("kind");
    String kind = kindNode.string();
    String name = s.get("name").string();
    Node groupNode = s.get("apiGroup");
    String apiGroup = groupNode.stringOr("");
    switch (kind) {
      case "User", "Group" -> {
        if (!apiGroup.isEmpty() && !apiGroup.equals(GROUP)) {
          throw groupNode.error(kind + " subjects have apiGroup " + GROUP + ", got \"" + apiGroup + "\"");
        }
        (kind.equals("User") ? users : groups).add(Glob.exact(name));
      }
      case "ServiceAccount" -> {
        if (!apiGroup.isEmpty()) {
          throw groupNode.error("ServiceAccount subjects have apiGroup \"\", got \"" + apiGroup + "\"");
        }
        // A RoleBinding's service account defaults to the binding's namespace; a
        // ClusterRoleBinding's must say which.
        String ns = s.get("namespace").stringOr("");
        if (ns.isEmpty()) {
          ns = bindingNamespace;
        }
        if (ns.isEmpty()) {
          throw s.get("namespace").error("is required for a ServiceAccount subject of a ClusterRoleBinding");
        }
        users.add(Glob.exact("system:serviceaccount:" + ns + ":" + name));
      }
      default -> throw kindNode.error("unknown subject kind \"" + kind + "\": use User, Group or ServiceAccount");
    }
  }
}

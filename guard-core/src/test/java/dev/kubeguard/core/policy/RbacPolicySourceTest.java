package dev.kubeguard.core.policy;

import static dev.kubeguard.core.policy.RbacYaml.clusterRole;
import static dev.kubeguard.core.policy.RbacYaml.clusterRoleBinding;
import static dev.kubeguard.core.policy.RbacYaml.resourceRule;
import static dev.kubeguard.core.policy.RbacYaml.role;
import static dev.kubeguard.core.policy.RbacYaml.roleBinding;
import static dev.kubeguard.core.policy.RbacYaml.urlRule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native RBAC manifests as a policy source: scoping, subjects, matching details, file shapes. */
class RbacPolicySourceTest {

  private static final String POD_READER =
      resourceRule(List.of("get", "list", "watch"), List.of(""), List.of("pods"), List.of());

  private static Attributes pods(String verb, String namespace) {
    return Attributes.resource(verb, "", "v1", "pods", "", namespace, "");
  }

  @Test
  void roleBindingGrantsOnlyInItsOwnNamespace() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        role("shop", "pod-reader", POD_READER) + roleBinding("shop", "read", "Role", "pod-reader", "User:bob"));
    Identity bob = Identity.of("bob");

    assertThat(e.decide(bob, pods("get", "shop")).isAllowed()).isTrue();
    assertThat(e.decide(bob, pods("get", "other")).isAllowed()).isFalse();
    assertThat(e.decide(bob, pods("list", "")).isAllowed()).as("all-namespace list").isFalse();
  }

  @Test
  void roleBindingToClusterRoleGrantsItsRulesOnlyInTheBindingsNamespace() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        clusterRole("view-pods", POD_READER) + roleBinding("shop", "read", "ClusterRole", "view-pods", "Group:devs"));
    Identity dev = Identity.of("carol", "devs");

    Decision d = e.decide(dev, pods("list", "shop"));
    assertThat(d.isAllowed()).isTrue();
    assertThat(d.ruleId()).isEqualTo("rbac:RoleBinding/shop/read");
    assertThat(d.reason()).contains("RoleBinding \"read/shop\" of ClusterRole \"view-pods\"");
    assertThat(e.decide(dev, pods("list", "prod")).isAllowed()).isFalse();
  }

  @Test
  void clusterRoleBindingGrantsEverywhereIncludingClusterScope() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        clusterRole("view-pods", POD_READER) + clusterRoleBinding("read-all", "view-pods", "User:bob"));
    Identity bob = Identity.of("bob");

    assertThat(e.decide(bob, pods("list", "")).ruleId()).isEqualTo("rbac:ClusterRoleBinding/read-all");
    assertThat(e.decide(bob, pods("get", "anywhere")).isAllowed()).isTrue();
    assertThat(e.decide(bob, pods("delete", "anywhere")).isAllowed()).isFalse();
  }

  @Test
  void roleBindingDoesNotReachRoleOfSameNameInAnotherNamespace() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        role("shop", "reader", POD_READER) + role("prod", "reader", resourceRule(List.of("get"), List.of(""), List.of("secrets"), List.of()))
            + roleBinding("shop", "read", "Role", "reader", "User:bob"));

    assertThat(e.decide(Identity.of("bob"), pods("get", "shop")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("bob"), Attributes.resource("get", "", "v1", "secrets", "", "shop", "x")).isAllowed())
        .isFalse();
  }

  @Test
  void serviceAccountSubjectMeansItsUserNameAndDefaultsToTheBindingsNamespace() throws Exception {
    String yaml = role("ci", "reader", POD_READER)
        + "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: sa, namespace: ci}\n"
        + "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n"
        + "subjects:\n- {kind: ServiceAccount, name: deployer}\n";
    GuardPolicyEngine e = PolicyLoader.fromYaml("t", yaml);

    assertThat(e.decide(Identity.serviceAccount("ci", "deployer"), pods("get", "ci")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.serviceAccount("other", "deployer"), pods("get", "ci")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("deployer"), pods("get", "ci")).isAllowed()).isFalse();
  }

  @Test
  void serviceAccountGroupsGrantToEveryServiceAccountOrThoseOfOneNamespace() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        clusterRole("view-pods", POD_READER)
            + clusterRoleBinding("all-sas", "view-pods", "Group:system:serviceaccounts:ci")
            + clusterRole("healthz", urlRule(List.of("get"), List.of("/healthz")))
            + clusterRoleBinding("every-sa", "healthz", "Group:system:serviceaccounts"));

    assertThat(e.decide(Identity.serviceAccount("ci", "a"), pods("get", "x")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.serviceAccount("web", "a"), pods("get", "x")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.serviceAccount("web", "a"), Attributes.nonResource("get", "/healthz")).isAllowed()).isTrue();
  }

  @Test
  void nonResourceUrlsWithTrailingStarArePrefixesAndOnlyClusterRoleBindingsGrantThem() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        clusterRole("logs", urlRule(List.of("get"), List.of("/logs/*", "/healthz")))
            + clusterRoleBinding("ops-logs", "logs", "User:ops")
            + roleBinding("shop", "dev-logs", "ClusterRole", "logs", "User:dev"));

    Identity ops = Identity.of("ops");
    assertThat(e.decide(ops, Attributes.nonResource("get", "/logs/kube-apiserver.log")).isAllowed()).isTrue();
    assertThat(e.decide(ops, Attributes.nonResource("get", "/logs/")).isAllowed()).isTrue();
    assertThat(e.decide(ops, Attributes.nonResource("get", "/logs")).isAllowed()).isFalse();
    assertThat(e.decide(ops, Attributes.nonResource("get", "/healthz/etcd")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("dev"), Attributes.nonResource("get", "/healthz")).isAllowed()).isFalse();
  }

  @Test
  void starSlashScaleCoversEveryScaleSubresourceButNotTheResource() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        clusterRole("scaler", resourceRule(List.of("get", "update", "patch"), List.of("*"), List.of("*/scale"), List.of()))
            + clusterRoleBinding("s", "scaler", "User:hpa"));
    Identity hpa = Identity.of("hpa");

    assertThat(e.decide(hpa, Attributes.resource("update", "apps", "v1", "deployments", "scale", "shop", "web")).isAllowed()).isTrue();
    assertThat(e.decide(hpa, Attributes.resource("patch", "apps", "v1", "statefulsets", "scale", "shop", "db")).isAllowed()).isTrue();
    assertThat(e.decide(hpa, Attributes.resource("update", "apps", "v1", "deployments", "", "shop", "web")).isAllowed()).isFalse();
    assertThat(e.decide(hpa, Attributes.resource("update", "apps", "v1", "deployments", "status", "shop", "web")).isAllowed()).isFalse();
  }

  @Test
  void podsSlashStarIsNotAWildcardInRbac() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        clusterRole("r", resourceRule(List.of("get"), List.of(""), List.of("pods/*"), List.of()))
            + clusterRoleBinding("b", "r", "User:u"));

    assertThat(e.decide(Identity.of("u"), Attributes.resource("get", "", "v1", "pods", "log", "ns", "p")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("u"), Attributes.resource("get", "", "v1", "pods", "*", "ns", "p")).isAllowed()).isTrue();
  }

  @Test
  void resourceNamesNeverMatchARequestWithoutAName() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        clusterRole("one-secret", resourceRule(List.of("get", "list"), List.of(""), List.of("secrets"), List.of("app-tls")))
            + clusterRoleBinding("b", "one-secret", "User:u"));
    Identity u = Identity.of("u");

    assertThat(e.decide(u, Attributes.resource("get", "", "v1", "secrets", "", "ns", "app-tls")).isAllowed()).isTrue();
    assertThat(e.decide(u, Attributes.resource("get", "", "v1", "secrets", "", "ns", "db-password")).isAllowed()).isFalse();
    assertThat(e.decide(u, Attributes.resource("list", "", "v1", "secrets", "", "ns", "")).isAllowed()).isFalse();
  }

  @Test
  void matchingIsCaseSensitive() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        clusterRole("r", resourceRule(List.of("get"), List.of("Apps"), List.of("Deployments"), List.of()))
            + clusterRoleBinding("b", "r", "User:u"));

    assertThat(e.decide(Identity.of("u"), Attributes.resource("get", "apps", "v1", "deployments", "", "ns", "")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("u"), Attributes.resource("get", "Apps", "v1", "Deployments", "", "ns", "")).isAllowed()).isTrue();
  }

  @Test
  void aggregatedClusterRoleGetsTheRulesOfTheRolesItsSelectorMatches() throws Exception {
    String yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: monitoring}
        aggregationRule:
          clusterRoleSelectors:
          - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: monitoring-endpoints
          labels: {rbac.example.com/aggregate-to-monitoring: "true"}
        rules:
        - {apiGroups: [""], resources: [services, endpoints, pods], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: unrelated
          labels: {other: "true"}
        rules:
        - {apiGroups: [""], resources: [secrets], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: prometheus}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
        subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
        """;
    GuardPolicyEngine e = PolicyLoader.fromYaml("agg.yaml", yaml);
    Identity prom = Identity.serviceAccount("monitoring", "prometheus");

    assertThat(e.decide(prom, Attributes.resource("list", "", "v1", "endpoints", "", "", "")).isAllowed()).isTrue();
    assertThat(e.decide(prom, Attributes.resource("get", "", "v1", "secrets", "", "x", "s")).isAllowed()).isFalse();
  }

  @Test
  void aggregationResolvesAggregatesOfAggregatesWithMatchExpressions() throws Exception {
    String yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: top}
        aggregationRule:
          clusterRoleSelectors:
          - matchExpressions: [{key: tier, operator: In, values: [middle]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: middle, labels: {tier: middle}}
        aggregationRule:
          clusterRoleSelectors:
          - matchExpressions: [{key: leaf, operator: Exists}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: leaf, labels: {leaf: "yes"}}
        rules:
        - {apiGroups: [""], resources: [configmaps], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: b}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: top}
        subjects: [{kind: User, name: u}]
        """;
    GuardPolicyEngine e = PolicyLoader.fromYaml("agg.yaml", yaml);

    assertThat(e.decide(Identity.of("u"), Attributes.resource("get", "", "v1", "configmaps", "", "x", "c")).isAllowed()).isTrue();
  }

  @Test
  void loadsAV1ListSuchAsKubectlGetOutput() throws Exception {
    String yaml = """
        apiVersion: v1
        kind: List
        metadata: {resourceVersion: ""}
        items:
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: view-pods, uid: 0d7b, resourceVersion: "42", creationTimestamp: "2024-01-01T00:00:00Z"}
          rules:
          - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: RoleBinding
          metadata: {name: read, namespace: shop}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view-pods}
          subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]
        """;
    GuardPolicyEngine e = PolicyLoader.fromYaml("list.yaml", yaml);

    assertThat(e.decide(Identity.of("bob"), Attributes.resource("get", "", "v1", "pods", "log", "shop", "web")).isAllowed()).isTrue();
  }

  @Test
  void loadsJsonAndABindingBeforeItsRoleInAnotherFile(@TempDir Path dir) throws Exception {
    Path binding = dir.resolve("01-binding.json");
    Files.writeString(binding, """
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": "b"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "r"},
         "subjects": [{"kind": "User", "name": "u"}]}
        """);
    Files.writeString(dir.resolve("02-role.yaml"),
        clusterRole("r", resourceRule(List.of("get"), List.of(""), List.of("nodes"), List.of())));
    Files.writeString(dir.resolve("notes.txt"), "not a policy");

    GuardPolicyEngine fromDir = PolicyLoader.load(dir);
    GuardPolicyEngine fromFiles = PolicyLoader.load(List.of(binding, dir.resolve("02-role.yaml")));

    Attributes getNode = Attributes.resource("get", "", "v1", "nodes", "", "", "n1");
    assertThat(fromDir.decide(Identity.of("u"), getNode).isAllowed()).isTrue();
    assertThat(fromFiles.decide(Identity.of("u"), getNode).isAllowed()).isTrue();
  }

  @Test
  void mixesGuardPolicyAndRbacInOneMultiDocumentFile() throws Exception {
    String yaml = clusterRole("edit-pods", resourceRule(List.of("*"), List.of(""), List.of("pods"), List.of()))
        + clusterRoleBinding("devs-edit", "edit-pods", "Group:devs")
        + """
        ---
        apiVersion: kubeguard.dev/v1
        kind: GuardPolicy
        metadata: {name: guard}
        spec:
          rules:
          - name: no-deletes-in-prod
            subjects: {groups: [devs]}
            effect: deny
            match: {verbs: [delete], apiGroups: [""], resources: [pods], namespaces: ["prod-*"]}
            obligations: {auditLevel: RequestResponse}
        """;
    GuardPolicyEngine e = PolicyLoader.fromYaml("mixed.yaml", yaml);
    Identity dev = Identity.of("carol", "devs");

    Decision staging = e.decide(dev, pods("delete", "staging"));
    assertThat(staging.isAllowed()).isTrue();
    assertThat(staging.obligations()).isEqualTo(Obligations.defaults());
    Decision prod = e.decide(AccessRequest.forAttributes(dev, pods("delete", "prod-eu"), CallContext.now()));
    assertThat(prod.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(prod.ruleId()).isEqualTo("no-deletes-in-prod");
    assertThat(prod.obligations().auditLevel()).isEqualTo(AuditLevel.REQUEST_RESPONSE);
    assertThat(prod.reason()).isEqualTo("denied by rule \"no-deletes-in-prod\" of GuardPolicy \"guard\"");
  }
}

package dev.kubeguard.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad policy file fails the load with a message naming the file, the place and the problem. */
class PolicyLoaderErrorsTest {

  private static final String HEAD = """
      apiVersion: kubeguard.dev/v1
      kind: GuardPolicy
      metadata: {name: shop}
      spec:
        rules:
      """;

  private static PolicyLoadException failure(String text) {
    try {
      PolicyLoader.fromYaml("shop.yaml", text);
    } catch (PolicyLoadException e) {
      return e;
    }
    throw new AssertionError("expected the load to fail");
  }

  @Test
  void namesFileDocumentPathAndLineOfAnEmptyVerbList() {
    PolicyLoadException e = failure(HEAD + """
          - name: r
            subjects: {users: [u]}
            effect: allow
            match:
              verbs: []
              apiGroups: [""]
              resources: [pods]
        """);

    assertThat(e.getMessage()).isEqualTo("shop.yaml: document 1, spec.rules[0].match.verbs (line 10): verbs must not be empty");
    assertThat(e.source()).isEqualTo("shop.yaml");
    assertThat(e.document()).isEqualTo(1);
    assertThat(e.path()).isEqualTo("spec.rules[0].match.verbs");
    assertThat(e.line()).isEqualTo(10);
  }

  @Test
  void countsDocumentsInAMultiDocumentFile() {
    PolicyLoadException e = failure("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: ok}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: bad}
        rules:
        - {apiGroups: [""], resources: [pods], verbs: [get], resourceName: [x]}
        """);

    assertThat(e.getMessage()).isEqualTo(
        "shop.yaml: document 2, rules[0].resourceName (line 10): unknown field 'resourceName'; "
            + "allowed here: apiGroups, nonResourceURLs, resourceNames, resources, verbs");
  }

  @Test
  void rejectsAnUnknownKind() {
    assertThat(failure("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n").getMessage())
        .startsWith("shop.yaml: document 1, kind (line 2): unknown kind \"ConfigMap\": supported are GuardPolicy");
  }

  @Test
  void rejectsAWrongApiVersion() {
    assertThat(failure("apiVersion: kubeguard.dev/v2\nkind: GuardPolicy\nmetadata: {name: x}\nspec: {}\n").getMessage())
        .isEqualTo("shop.yaml: document 1, apiVersion (line 1): unsupported apiVersion \"kubeguard.dev/v2\" for GuardPolicy: use kubeguard.dev/v1");
  }

  @Test
  void rejectsAValueOfTheWrongType() {
    PolicyLoadException e = failure(HEAD + """
          - name: r
            subjects: {users: u}
            effect: allow
            match: {verbs: [get], apiGroups: [""], resources: [pods]}
        """);

    assertThat(e.getMessage()).isEqualTo(
        "shop.yaml: document 1, spec.rules[0].subjects.users (line 7): expected a list, got the string \"u\"");
  }

  @Test
  void rejectsApproveWithoutAnApprovalRequirement() {
    PolicyLoadException e = failure(HEAD + """
          - name: needs-approval
            subjects: {users: [u]}
            effect: approve
            match: {verbs: [delete], apiGroups: [""], resources: [pods]}
        """);

    assertThat(e.getMessage()).startsWith(
        "shop.yaml: document 1, spec.rules[0].approval (line 6): is required when effect is approve");
  }

  @Test
  void rejectsAnUnknownEffect() {
    PolicyLoadException e = failure(HEAD + """
          - name: r
            subjects: {users: [u]}
            effect: permit
            match: {verbs: [get], apiGroups: [""], resources: [pods]}
        """);

    assertThat(e.getMessage()).isEqualTo(
        "shop.yaml: document 1, spec.rules[0].effect (line 8): unknown effect \"permit\": use allow, deny or approve");
  }

  @Test
  void rejectsBadGlobs() {
    assertThat(failure(HEAD + """
          - name: r
            subjects: {groups: ["sre-?"]}
            effect: allow
            match: {verbs: [get], apiGroups: [""], resources: [pods]}
        """).getMessage()).isEqualTo(
        "shop.yaml: document 1, spec.rules[0].subjects.groups[0] (line 7): bad glob \"sre-?\": '?' is not supported, only '*' is a wildcard");
    assertThat(failure(HEAD + """
          - name: r
            subjects: {users: [u]}
            effect: allow
            match: {verbs: [get], apiGroups: [""], resources: ["pods*"]}
        """).getMessage()).startsWith(
        "shop.yaml: document 1, spec.rules[0].match.resources[0] (line 9): bad glob \"pods*\": resources follow RBAC");
    assertThat(failure(HEAD + """
          - name: r
            subjects: {users: [u]}
            effect: allow
            match: {verbs: [get], apiGroups: [""], resources: [pods], namespaces: ["Prod_*"]}
        """).getMessage()).startsWith(
        "shop.yaml: document 1, spec.rules[0].match.namespaces[0] (line 9): bad glob \"Prod_*\"");
    assertThat(failure(HEAD + """
          - name: r
            subjects: {users: [u]}
            effect: allow
            match: {verbs: [get], nonResourceURLs: ["/logs/*/x"]}
        """).getMessage()).startsWith(
        "shop.yaml: document 1, spec.rules[0].match.nonResourceURLs[0] (line 9): bad glob \"/logs/*/x\"");
  }

  @Test
  void rejectsAnUpperCaseVerbThatWouldNeverMatch() {
    assertThat(failure(HEAD + """
          - name: r
            subjects: {users: [u]}
            effect: deny
            match: {verbs: [DELETE], apiGroups: [""], resources: [pods]}
        """).getMessage()).isEqualTo(
        "shop.yaml: document 1, spec.rules[0].match.verbs[0] (line 9): verb \"DELETE\" would never match: "
            + "Kubernetes verbs are lower-case (\"delete\")");
  }

  @Test
  void rejectsResourceRulesWithoutApiGroups() {
    assertThat(failure(HEAD + """
          - name: r
            subjects: {users: [u]}
            effect: allow
            match: {verbs: [get], resources: [pods]}
        """).getMessage()).startsWith(
        "shop.yaml: document 1, spec.rules[0].match.apiGroups (line 9): is required when resources are given");
  }

  @Test
  void rejectsDuplicateRuleNamesAcrossFiles(@TempDir Path dir) throws Exception {
    String rule = HEAD + """
          - name: same
            subjects: {users: [u]}
            effect: allow
            match: {verbs: [get], apiGroups: [""], resources: [pods]}
        """;
    Path a = Files.writeString(dir.resolve("a.yaml"), rule);
    Path b = Files.writeString(dir.resolve("b.yaml"), rule.replace("name: shop", "name: other"));

    assertThatThrownBy(() -> PolicyLoader.load(a, b))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessage(b + ": document 1, spec.rules[0].name (line 6): duplicate rule name \"same\" (first used in "
            + a + " document 1, spec.rules[0].name); rule names must be unique");
  }

  @Test
  void rejectsABadDuration() {
    assertThat(failure(HEAD + """
          - name: r
            subjects: {users: [u]}
            effect: approve
            approval: {approverGroups: [leads], ttl: 15 minutes}
            match: {verbs: [delete], apiGroups: [""], resources: [pods]}
        """).getMessage()).startsWith(
        "shop.yaml: document 1, spec.rules[0].approval.ttl (line 9): invalid duration \"15 minutes\"");
  }

  @Test
  void rejectsYamlSyntaxErrorsWithTheirLine() {
    PolicyLoadException e = failure("apiVersion: v1\nkind: List\nitems: [\n  - a: b\n  c\n");

    assertThat(e.getMessage()).startsWith("shop.yaml: document 1");
    assertThat(e.getMessage()).contains("not valid YAML");
    assertThat(e.line()).isPositive();
  }

  @Test
  void rejectsDuplicateKeys() {
    assertThat(failure("apiVersion: v1\nkind: List\nkind: List\nitems: []\n").getMessage())
        .isEqualTo("shop.yaml: document 1, kind (line 3): duplicate key 'kind'");
  }

  @Test
  void rejectsABindingToARoleThatWasNotLoaded() {
    assertThat(failure("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: b, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: User, name: u}]
        """).getMessage()).startsWith(
        "shop.yaml: document 1, roleRef.name (line 4): roleRef names ClusterRole \"view\", which is not in the loaded policy sources");
  }

  @Test
  void rejectsNonResourceUrlsInARole() {
    assertThat(failure("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: r, namespace: shop}
        rules:
        - {verbs: [get], nonResourceURLs: [/healthz]}
        """).getMessage()).startsWith(
        "shop.yaml: document 1, rules[0].nonResourceURLs (line 5): namespaced rules cannot apply to non-resource URLs");
  }

  @Test
  void rejectsAClusterRoleBindingServiceAccountWithoutNamespace() {
    assertThat(failure("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: r}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: b}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
        subjects: [{kind: ServiceAccount, name: default}]
        """).getMessage()).isEqualTo(
        "shop.yaml: document 2, subjects[0].namespace (line 10): is required for a ServiceAccount subject of a ClusterRoleBinding");
  }

  @Test
  void showsListItemsInThePath() {
    assertThat(failure("""
        apiVersion: v1
        kind: List
        items:
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: r}
          rules:
          - {verbs: [], apiGroups: [""], resources: [pods]}
        """).getMessage()).isEqualTo(
        "shop.yaml: document 1, items[0].rules[0].verbs (line 8): verbs must contain at least one value");
  }

  @Test
  void placesAFieldSetToNullAtItsKey() {
    assertThat(failure(HEAD + """
          - name: needs-approval
            subjects: {users: [u]}
            effect: approve
            match: {verbs: [delete], apiGroups: [""], resources: [pods]}
            approval: null
        """).getMessage()).startsWith(
        "shop.yaml: document 1, spec.rules[0].approval (line 10): is required when effect is approve");
  }

  @Test
  void placesANullListItemAtItsOwnLine() {
    assertThat(failure(HEAD + """
          - name: r
            subjects:
              users:
              - alice
              - null
            effect: allow
            match: {verbs: [get], apiGroups: [""], resources: [pods]}
        """).getMessage()).isEqualTo(
        "shop.yaml: document 1, spec.rules[0].subjects.users[1] (line 10): is required");
  }

  @Test
  void namesPathAndLineInAJsonSource() {
    assertThat(failure("""
        {"apiVersion": "kubeguard.dev/v1", "kind": "GuardPolicy", "metadata": {"name": "shop"},
         "spec": {"rules": [
           {"name": "r", "subjects": {"users": ["u"]}, "effect": "allow",
            "match": {"verbs": ["get"], "apiGroups": [""],
                      "resources": ["pods"], "resourceNames": [1]}}]}}
        """).getMessage()).isEqualTo(
        "shop.yaml: document 1, spec.rules[0].match.resourceNames[0] (line 5): expected a string, got the number 1");
  }

  @Test
  void namesAMissingFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> PolicyLoader.load(missing))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageStartingWith(missing + ": could not be read");
  }
}

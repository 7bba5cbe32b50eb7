package dev.kubeguard.core.policy;

import static dev.kubeguard.core.policy.RbacYaml.clusterRole;
import static dev.kubeguard.core.policy.RbacYaml.clusterRoleBinding;
import static dev.kubeguard.core.policy.RbacYaml.newRule;
import static dev.kubeguard.core.policy.RbacYaml.resourceRule;
import static dev.kubeguard.core.policy.RbacYaml.role;
import static dev.kubeguard.core.policy.RbacYaml.roleBinding;
import static dev.kubeguard.core.policy.RbacYaml.urlRule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The cases of Kubernetes' own RBAC tests, transcribed as manifests and questions: {@code
 * plugin/pkg/auth/authorizer/rbac/rbac_test.go} (TestAuthorizer, TestRuleMatches) and {@code
 * pkg/registry/rbac/validation/rule_test.go} (TestAppliesTo, TestDefaultRuleResolver). Each check
 * loads the manifests through {@link PolicyLoader} and asks the engine, so parsing, binding
 * resolution, the index and the matcher are all exercised. Go's {@code user.DefaultInfo} may
 * have an empty name where our {@link Identity} may not; those cases use a user bound nowhere.
 */
class RbacAuthorizerConformanceTest {

  /** A user name bound by no case, standing in for Go's empty user name. */
  private static final String NOBODY = "nobody-bound";

  record Check(Identity identity, Attributes attributes, boolean allowed) {}

  record Case(String name, String manifests, List<Check> checks) {}

  /** rbac_test.go's defaultAttributes{user, groups, verb, resource, subresource, namespace, apiGroup}. */
  private static Attributes resource(String verb, String resource, String subresource, String namespace, String group) {
    return Attributes.resource(verb, group, "", resource, subresource, namespace, "");
  }

  private static Identity user(String name, String groupsCsv) {
    return new Identity(name, "", Arrays.asList(groupsCsv.split(",", -1)), null, "");
  }

  private static Identity groupsOnly(String... groups) {
    return Identity.of(NOBODY, groups);
  }

  private static Check pass(Identity id, Attributes a) {
    return new Check(id, a, true);
  }

  private static Check fail(Identity id, Attributes a) {
    return new Check(id, a, false);
  }

  static List<Case> testAuthorizer() {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case(
        "TestAuthorizer case 0: RoleBinding to ClusterRole admin in ns1",
        clusterRole("admin", newRule("*", "*", "*", "*"))
            + roleBinding("ns1", "rb", "ClusterRole", "admin", "User:admin", "Group:admins"),
        List.of(
            pass(user("admin", ""), resource("get", "Pods", "", "ns1", "")),
            pass(user("admin", ""), resource("watch", "Pods", "", "ns1", "")),
            pass(user("admin", "group1"), resource("watch", "Foobar", "", "ns1", "")),
            pass(user("joe", "admins"), resource("watch", "Foobar", "", "ns1", "")),
            pass(user("joe", "group1,admins"), resource("watch", "Foobar", "", "ns1", "")),
            fail(user("admin", ""), resource("GET", "Pods", "", "ns2", "")),
            fail(user("admin", ""), resource("GET", "Nodes", "", "", "")),
            fail(user("admin", "admins"), resource("GET", "Pods", "", "ns2", "")),
            fail(user("admin", "admins"), resource("GET", "Nodes", "", "", "")))));
    Attributes getApis = Attributes.nonResource("get", "/apis");
    Attributes watchApis = Attributes.nonResource("watch", "/apis");
    Attributes getApiV1 = Attributes.nonResource("get", "/api/v1");
    cases.add(new Case(
        "TestAuthorizer case 1: non-resource URLs",
        clusterRole("non-resource-url-getter", newRule("get", "", "", "/apis"))
            + clusterRole("non-resource-url", newRule("*", "", "", "/apis"))
            + clusterRole("non-resource-url-prefix", newRule("get", "", "", "/apis/*"))
            + clusterRoleBinding("b1", "non-resource-url-getter", "User:foo", "Group:bar")
            + clusterRoleBinding("b2", "non-resource-url", "User:admin", "Group:admin")
            + clusterRoleBinding("b3", "non-resource-url-prefix", "User:prefixed", "Group:prefixed"),
        List.of(
            pass(Identity.of("foo"), getApis),
            pass(groupsOnly("bar"), getApis),
            pass(Identity.of("admin"), getApis),
            pass(groupsOnly("admin"), getApis),
            pass(Identity.of("admin"), watchApis),
            pass(groupsOnly("admin"), watchApis),
            pass(Identity.of("prefixed"), Attributes.nonResource("get", "/apis/v1")),
            pass(groupsOnly("prefixed"), Attributes.nonResource("get", "/apis/v1")),
            pass(Identity.of("prefixed"), Attributes.nonResource("get", "/apis/v1/foobar")),
            pass(groupsOnly("prefixed"), Attributes.nonResource("get", "/apis/v1/foorbar")),
            fail(Identity.of("foo"), watchApis),
            fail(groupsOnly("bar"), watchApis),
            fail(Identity.of("foo"), getApiV1),
            fail(groupsOnly("bar"), getApiV1),
            fail(Identity.of("admin"), getApiV1),
            fail(groupsOnly("admin"), getApiV1),
            fail(Identity.of("prefixed"), getApiV1),
            fail(groupsOnly("prefixed"), getApiV1))));
    cases.add(new Case(
        "TestAuthorizer case 2: pods does not cover pods/status",
        clusterRole("admin", newRule("*", "*", "pods", "*"))
            + roleBinding("ns1", "rb", "ClusterRole", "admin", "User:admin", "Group:admins"),
        List.of(
            pass(user("admin", ""), resource("get", "pods", "", "ns1", "")),
            fail(user("admin", ""), resource("get", "pods", "status", "ns1", "")))));
    cases.add(new Case(
        "TestAuthorizer case 3: pods/status and */scale",
        clusterRole("admin", newRule("*", "*", "pods/status", "*"), newRule("*", "*", "*/scale", "*"))
            + roleBinding("ns1", "rb", "ClusterRole", "admin", "User:admin", "Group:admins"),
        List.of(
            pass(user("admin", ""), resource("get", "pods", "status", "ns1", "")),
            pass(user("admin", ""), resource("get", "pods", "scale", "ns1", "")),
            pass(user("admin", ""), resource("get", "deployments", "scale", "ns1", "")),
            pass(user("admin", ""), resource("get", "anything", "scale", "ns1", "")),
            fail(user("admin", ""), resource("get", "pods", "", "ns1", "")))));
    return cases;
  }

  /** TestRuleMatches: one rule, bound cluster-wide to user "u", against each request. */
  static List<Case> testRuleMatches() {
    List<Case> cases = new ArrayList<>();
    String[] vs = {"verb1", "verb2"};
    String[] gs = {"group1", "group2"};
    String[] rs = {"resource1", "resource2"};
    cases.add(ruleCase("star verb, exact match other",
        resourceRule(List.of("*"), List.of("group1"), List.of("resource1"), List.of()),
        tuples(vs, gs, rs, (v, g, r) -> g.equals("group1") && r.equals("resource1"))));
    cases.add(ruleCase("star group, exact match other",
        resourceRule(List.of("verb1"), List.of("*"), List.of("resource1"), List.of()),
        tuples(vs, gs, rs, (v, g, r) -> v.equals("verb1") && r.equals("resource1"))));
    cases.add(ruleCase("star resource, exact match other",
        resourceRule(List.of("verb1"), List.of("group1"), List.of("*"), List.of()),
        tuples(vs, gs, rs, (v, g, r) -> v.equals("verb1") && g.equals("group1"))));
    cases.add(ruleCase("tuple expansion",
        resourceRule(List.of("verb1", "verb2"), List.of("group1", "group2"), List.of("resource1", "resource2"), List.of()),
        tuples(vs, gs, rs, (v, g, r) -> true)));
    List<Check> sub = new ArrayList<>();
    for (String v : vs) {
      sub.add(ruleCheck(sub(v, "group1", "resource1", "subresource1"), true));
      sub.add(ruleCheck(sub(v, "group2", "resource1", "subresource2"), false));
      sub.add(ruleCheck(sub(v, "group1", "resource2", "subresource1"), false));
      sub.add(ruleCheck(sub(v, "group2", "resource2", "subresource1"), false));
    }
    cases.add(ruleCase("subresource expansion",
        resourceRule(List.of("*"), List.of("*"), List.of("resource1/subresource1"), List.of()), sub));
    String[] urls = {"/foo", "/foo/bar", "/foo/baz", "/foo/bar/one", "/foo/baz/one"};
    List<Check> starUrl = new ArrayList<>();
    for (String v : vs) {
      for (String u : urls) {
        starUrl.add(ruleCheck(Attributes.nonResource(v, u), v.equals("verb1")));
      }
    }
    cases.add(ruleCase("star nonresource, exact match other", urlRule(List.of("verb1"), List.of("*")), starUrl));
    List<Check> subpath = new ArrayList<>();
    for (String u : urls) {
      subpath.add(ruleCheck(Attributes.nonResource("verb1", u), !u.equals("/foo")));
      subpath.add(ruleCheck(Attributes.nonResource("verb1", "/not" + u.substring(1)), false));
    }
    cases.add(ruleCase("star nonresource subpath", urlRule(List.of("verb1"), List.of("/foo/*")), subpath));
    List<Check> exactUrl = new ArrayList<>();
    for (String v : vs) {
      for (String u : urls) {
        exactUrl.add(ruleCheck(Attributes.nonResource(v, u), u.equals("/foo") || u.equals("/foo/bar/one")));
      }
    }
    cases.add(ruleCase("star verb, exact nonresource", urlRule(List.of("*"), List.of("/foo", "/foo/bar/one")), exactUrl));
    return cases;
  }

  interface Expect {
    boolean allowed(String verb, String group, String resource);
  }

  private static List<Check> tuples(String[] vs, String[] gs, String[] rs, Expect e) {
    List<Check> out = new ArrayList<>();
    for (String v : vs) {
      for (String g : gs) {
        for (String r : rs) {
          out.add(ruleCheck(Attributes.resource(v, g, "", r, "", "", ""), e.allowed(v, g, r)));
        }
      }
    }
    return out;
  }

  private static Attributes sub(String verb, String group, String resource, String subresource) {
    return Attributes.resource(verb, group, "", resource, subresource, "", "");
  }

  private static Check ruleCheck(Attributes a, boolean allowed) {
    return new Check(Identity.of("u"), a, allowed);
  }

  private static Case ruleCase(String name, String rule, List<Check> checks) {
    return new Case("TestRuleMatches: " + name, clusterRole("r", rule) + clusterRoleBinding("b", "r", "User:u"), checks);
  }

  /** TestAppliesTo: does a binding with these subjects apply? Asked through a RoleBinding in "default" or a ClusterRoleBinding. */
  static List<Case> testAppliesTo() {
    List<Case> cases = new ArrayList<>();
    String all = newRule("*", "*", "*", "*");
    Attributes inDefault = resource("get", "pods", "", "default", "");
    Attributes clusterWide = resource("get", "pods", "", "", "");
    cases.add(new Case("TestAppliesTo: single subject that matches username",
        clusterRole("all", all) + clusterRoleBinding("b", "all", "User:foobar"),
        List.of(pass(Identity.of("foobar"), clusterWide))));
    cases.add(new Case("TestAppliesTo: multiple subjects, one that matches username",
        clusterRole("all", all) + clusterRoleBinding("b", "all", "User:barfoo", "User:foobar"),
        List.of(pass(Identity.of("foobar"), clusterWide))));
    cases.add(new Case("TestAppliesTo: multiple subjects, none that match username",
        clusterRole("all", all) + clusterRoleBinding("b", "all", "User:barfoo", "User:foobar"),
        List.of(fail(Identity.of("zimzam"), clusterWide))));
    cases.add(new Case("TestAppliesTo: multiple subjects, one that match group",
        clusterRole("all", all) + clusterRoleBinding("b", "all", "User:barfoo", "Group:foobar"),
        List.of(pass(Identity.of("zimzam", "foobar"), clusterWide))));
    cases.add(new Case("TestAppliesTo: multiple subjects, one that match group, should ignore namespace",
        clusterRole("all", all) + roleBinding("namespace1", "b", "ClusterRole", "all", "User:barfoo", "Group:foobar"),
        List.of(pass(Identity.of("zimzam", "foobar"), resource("get", "pods", "", "namespace1", "")))));
    cases.add(new Case("TestAppliesTo: multiple subjects with a service account that matches",
        clusterRole("all", all)
            + roleBinding("default", "b", "ClusterRole", "all", "User:barfoo", "Group:foobar", "ServiceAccount:kube-system:default"),
        List.of(pass(Identity.of("system:serviceaccount:kube-system:default"), inDefault))));
    cases.add(new Case("TestAppliesTo: * user subject name doesn't match all users",
        clusterRole("all", all) + roleBinding("default", "b", "ClusterRole", "all", "User:*"),
        List.of(fail(Identity.of("foobar"), inDefault), pass(Identity.of("*"), inDefault))));
    String authUnauth = clusterRole("all", all)
        + roleBinding("default", "b", "ClusterRole", "all", "Group:system:authenticated", "Group:system:unauthenticated");
    cases.add(new Case("TestAppliesTo: binding to all authenticated and unauthenticated subjects matches authenticated user",
        authUnauth, List.of(pass(Identity.of("foobar", "system:authenticated"), inDefault))));
    cases.add(new Case("TestAppliesTo: binding to all authenticated and unauthenticated subjects matches anonymous user",
        authUnauth, List.of(pass(Identity.of("system:anonymous", "system:unauthenticated"), inDefault))));
    return cases;
  }

  /** TestDefaultRuleResolver: the effective rules of staticRoles1, asked as questions. */
  static List<Case> testDefaultRuleResolver() {
    String manifests =
        role("namespace1", "readthings",
                resourceRule(List.of("GET", "WATCH"), List.of("v1"), List.of("pods"), List.of()),
                resourceRule(List.of("GET", "WATCH"), List.of("v1"), List.of("services"), List.of()))
            + clusterRole("cluster-admin", resourceRule(List.of("*"), List.of("*"), List.of("*"), List.of()))
            + clusterRole("write-nodes", resourceRule(List.of("PUT", "CREATE", "UPDATE"), List.of("v1"), List.of("nodes"), List.of()))
            + roleBinding("namespace1", "rb", "Role", "readthings", "User:foobar", "Group:group1")
            + clusterRoleBinding("crb", "cluster-admin", "User:admin", "Group:admin");
    return List.of(
        new Case("TestDefaultRuleResolver: foobar in namespace1 gets readthings", manifests,
            List.of(
                pass(Identity.of("foobar"), resource("GET", "pods", "", "namespace1", "v1")),
                pass(Identity.of("foobar"), resource("WATCH", "services", "", "namespace1", "v1")),
                fail(Identity.of("foobar"), resource("get", "pods", "", "namespace1", "v1")),
                fail(Identity.of("foobar"), resource("GET", "nodes", "", "namespace1", "v1")))),
        new Case("TestDefaultRuleResolver: foobar in namespace2 gets nothing", manifests,
            List.of(fail(Identity.of("foobar"), resource("GET", "pods", "", "namespace2", "v1")))),
        new Case("TestDefaultRuleResolver: without a namespace only cluster rules apply", manifests,
            List.of(
                pass(Identity.of("foobar", "admin"), resource("anything", "anything", "", "", "any")),
                fail(Identity.of("foobar"), resource("GET", "pods", "", "", "v1")))),
        new Case("TestDefaultRuleResolver: a user with nothing bound gets nothing", manifests,
            List.of(fail(Identity.of(NOBODY), resource("GET", "pods", "", "namespace1", "v1")))));
  }

  static List<Case> allCases() {
    List<Case> all = new ArrayList<>();
    all.addAll(testAuthorizer());
    all.addAll(testRuleMatches());
    all.addAll(testAppliesTo());
    all.addAll(testDefaultRuleResolver());
    return all;
  }

  @TestFactory
  Stream<DynamicTest> answersAsKubernetesRbacAuthorizerDoes() {
    return allCases().stream().map(c -> dynamicTest(c.name(), () -> {
      GuardPolicyEngine engine = PolicyLoader.fromYaml(c.name(), c.manifests());
      for (Check check : c.checks()) {
        Decision d = engine.decide(check.identity(), check.attributes());
        assertThat(d.isAllowed())
            .as("%s: %s asking %s", c.name(), check.identity(), check.attributes())
            .isEqualTo(check.allowed());
      }
    }));
  }
}

package dev.kubeguard.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GuardPolicy rules: precedence, globs, namespaces, obligations, approvals, denial wording. */
class GuardPolicyEngineTest {

  private static String policy(String defaults, String rules) {
    return "apiVersion: kubeguard.dev/v1\nkind: GuardPolicy\nmetadata: {name: shop}\nspec:\n"
        + (defaults.isEmpty() ? "" : "  defaults: " + defaults + "\n") + "  rules:\n" + rules;
  }

  private static GuardPolicyEngine load(String rules) throws PolicyLoadException {
    return PolicyLoader.fromYaml("shop.yaml", policy("", rules));
  }

  private static Attributes pods(String verb, String namespace) {
    return Attributes.resource(verb, "", "v1", "pods", "", namespace, "web-1");
  }

  private static final String ALLOW_ALL_PODS = """
        - name: devs-use-pods
          subjects: {groups: [devs]}
          effect: allow
          match: {verbs: ["*"], apiGroups: [""], resources: [pods]}
      """;

  @Test
  void denyBeatsApprovalBeatsAllowWhateverTheOrder() throws Exception {
    GuardPolicyEngine e = load("""
        - name: deny-prod-deletes
          subjects: {groups: [devs]}
          effect: deny
          match: {verbs: [delete], apiGroups: [""], resources: [pods], namespaces: [prod]}
        - name: approve-deletes
          subjects: {groups: [devs]}
          effect: approve
          approval: {approverGroups: [leads]}
          match: {verbs: [delete], apiGroups: [""], resources: [pods]}
      """ + ALLOW_ALL_PODS);
    Identity dev = Identity.of("carol", "devs");

    assertThat(e.decide(dev, pods("get", "prod")).ruleId()).isEqualTo("devs-use-pods");
    Decision staging = e.decide(dev, pods("delete", "staging"));
    assertThat(staging.effect()).isEqualTo(Decision.Effect.REQUIRE_APPROVAL);
    assertThat(staging.ruleId()).isEqualTo("approve-deletes");
    Decision prod = e.decide(dev, pods("delete", "prod"));
    assertThat(prod.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(prod.ruleId()).isEqualTo("deny-prod-deletes");
  }

  @Test
  void nothingMatchedIsADenialWithoutARule() throws Exception {
    GuardPolicyEngine e = load(ALLOW_ALL_PODS);

    Decision d = e.decide(Identity.of("bob"), Attributes.resource("get", "", "v1", "secrets", "", "shop", "db"));
    assertThat(d.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(d.ruleId()).isEmpty();
    assertThat(d.reason()).isEqualTo("no rule allows it");
    assertThat(e.decide(Identity.of("bob"), Attributes.nonResource("get", "/metrics")).effect()).isEqualTo(Decision.Effect.DENY);
  }

  @Test
  void anEmptyPolicyDeniesEverything() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("empty.yaml", "# nothing here\n");

    assertThat(e.ruleCount()).isZero();
    assertThat(e.decide(Identity.of("root", "system:masters"), pods("get", "x")).isAllowed()).isFalse();
  }

  @Test
  void subjectGlobsMatchUsersAndGroups() throws Exception {
    GuardPolicyEngine e = load("""
        - name: sre
          subjects: {users: ["ci-*-bot"], groups: ["sre-*"]}
          effect: allow
          match: {verbs: [get], apiGroups: [""], resources: [pods]}
        - name: everyone-healthz
          subjects: {users: ["*"]}
          effect: allow
          match: {verbs: [get], nonResourceURLs: [/healthz]}
      """);

    assertThat(e.decide(Identity.of("x", "sre-eu"), pods("get", "a")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("x", "sre-"), pods("get", "a")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("x", "not-sre-eu"), pods("get", "a")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("ci-deploy-bot"), pods("get", "a")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("ci-bot"), pods("get", "a")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("anyone"), Attributes.nonResource("get", "/healthz")).isAllowed()).isTrue();
  }

  @Test
  void serviceAccountSubjectsMatchTheirUserName() throws Exception {
    GuardPolicyEngine e = load("""
        - name: deployer
          subjects: {serviceAccounts: [{namespace: ci, name: deployer}]}
          effect: allow
          match: {verbs: [patch], apiGroups: [apps], resources: [deployments]}
      """);
    Attributes patch = Attributes.resource("patch", "apps", "v1", "deployments", "", "shop", "web");

    assertThat(e.decide(Identity.serviceAccount("ci", "deployer"), patch).isAllowed()).isTrue();
    assertThat(e.decide(Identity.serviceAccount("ci", "other"), patch).isAllowed()).isFalse();
  }

  @Test
  void namespaceGlobsCoverNamespacedRequestsAndClusterScopeOnlyWhenListed() throws Exception {
    GuardPolicyEngine e = load("""
        - name: prod-only
          subjects: {users: [u]}
          effect: allow
          match: {verbs: [list], apiGroups: [""], resources: [pods], namespaces: ["prod-*"]}
        - name: any-namespace
          subjects: {users: [v]}
          effect: allow
          match: {verbs: [list], apiGroups: [""], resources: [pods], namespaces: ["*"]}
        - name: with-cluster-scope
          subjects: {users: [w]}
          effect: allow
          match: {verbs: [list], apiGroups: [""], resources: [pods], namespaces: ["", shop]}
        - name: everywhere
          subjects: {users: [x]}
          effect: allow
          match: {verbs: [list], apiGroups: [""], resources: [pods]}
      """);

    assertThat(e.decide(Identity.of("u"), pods("list", "prod-eu")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("u"), pods("list", "staging")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("u"), pods("list", "")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("v"), pods("list", "anything")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("v"), pods("list", "")).isAllowed()).as("* is not cluster scope").isFalse();
    assertThat(e.decide(Identity.of("w"), pods("list", "")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("w"), pods("list", "shop")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("w"), pods("list", "other")).isAllowed()).isFalse();
    assertThat(e.decide(Identity.of("x"), pods("list", "")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("x"), pods("list", "other")).isAllowed()).isTrue();
  }

  @Test
  void obligationsComeFromTheDecidingRuleOverPolicyDefaults() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("shop.yaml", policy("{auditLevel: Request, maskingProfile: strict}", """
        - name: plain
          subjects: {users: [u]}
          effect: allow
          match: {verbs: [get], apiGroups: [""], resources: [pods]}
        - name: secrets-audited
          subjects: {users: [u]}
          effect: allow
          match: {verbs: [get], apiGroups: [""], resources: [secrets]}
          obligations: {auditLevel: RequestResponse, maskingProfile: secrets}
      """));

    Decision pod = e.decide(Identity.of("u"), pods("get", "a"));
    assertThat(pod.obligations().auditLevel()).isEqualTo(AuditLevel.REQUEST);
    assertThat(pod.obligations().maskingProfile()).isEqualTo("strict");
    Decision secret = e.decide(Identity.of("u"), Attributes.resource("get", "", "v1", "secrets", "", "a", "s"));
    assertThat(secret.obligations().auditLevel()).isEqualTo(AuditLevel.REQUEST_RESPONSE);
    assertThat(secret.obligations().maskingProfile()).isEqualTo("secrets");
    assertThat(secret.reason()).isEqualTo("allowed by rule \"secrets-audited\" of GuardPolicy \"shop\"");
  }

  @Test
  void approvalRequirementIsReadWithDurationsAndDefaults() throws Exception {
    GuardPolicyEngine e = load("""
        - name: full
          subjects: {users: [a]}
          effect: approve
          approval: {approverGroups: [sre-leads, owners], count: 2, ttl: 1h, mode: Blocking, reuseWindow: 30s}
          match: {verbs: [delete], apiGroups: [""], resources: [pods]}
          obligations: {auditLevel: RequestResponse}
        - name: minimal
          subjects: {users: [b]}
          effect: approve
          approval: {approverGroups: [sre-leads]}
          match: {verbs: [delete], apiGroups: [""], resources: [pods]}
        - name: compound-ttl
          subjects: {users: [c]}
          effect: approve
          approval: {ttl: 1h30m}
          match: {verbs: [delete], apiGroups: [""], resources: [pods]}
      """);

    Decision full = e.decide(Identity.of("a"), pods("delete", "x"));
    assertThat(full.effect()).isEqualTo(Decision.Effect.REQUIRE_APPROVAL);
    assertThat(full.obligations().approval()).isEqualTo(new ApprovalRequirement(
        List.of("sre-leads", "owners"), 2, Duration.ofHours(1), ApprovalMode.BLOCKING, Duration.ofSeconds(30)));
    assertThat(full.obligations().auditLevel()).isEqualTo(AuditLevel.REQUEST_RESPONSE);
    assertThat(e.decide(Identity.of("b"), pods("delete", "x")).obligations().approval())
        .isEqualTo(new ApprovalRequirement(List.of("sre-leads"), 1, Duration.ofMinutes(15), ApprovalMode.REQUEST_THEN_RETRY, Duration.ZERO));
    assertThat(e.decide(Identity.of("c"), pods("delete", "x")).obligations().approval().ttl()).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void amongRulesWithTheSameEffectTheFirstLoadedDecides() throws Exception {
    GuardPolicyEngine e = load("""
        - name: first
          subjects: {groups: [devs]}
          effect: allow
          match: {verbs: [get], apiGroups: ["*"], resources: ["*"]}
          obligations: {auditLevel: None}
        - name: second
          subjects: {users: [carol]}
          effect: allow
          match: {verbs: [get], apiGroups: [""], resources: [pods]}
      """);

    Decision d = e.decide(Identity.of("carol", "devs"), pods("get", "x"));
    assertThat(d.ruleId()).isEqualTo("first");
    assertThat(d.obligations().auditLevel()).isEqualTo(AuditLevel.NONE);
  }

  @Test
  void nonResourceRulesNeverMatchResourceRequestsAndViceVersa() throws Exception {
    GuardPolicyEngine e = load("""
        - name: urls
          subjects: {users: [u]}
          effect: allow
          match: {verbs: ["*"], nonResourceURLs: ["*"]}
      """);

    assertThat(e.decide(Identity.of("u"), Attributes.nonResource("get", "/version")).isAllowed()).isTrue();
    assertThat(e.decide(Identity.of("u"), pods("get", "x")).isAllowed()).isFalse();
  }
}

package dev.kubeguard.bench;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.policy.GuardPolicyEngine;
import dev.kubeguard.core.policy.PolicyLoadException;
import dev.kubeguard.core.policy.PolicyLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated, realistic policy of a given size for benchmarks: half GuardPolicy rules (per-team
 * allow, deny and approval rules with namespace globs, plus a few cluster-wide glob rules), half
 * RBAC (ClusterRoles of five rules bound per team by RoleBindings), loaded through {@link
 * PolicyLoader} as a user would. Optionally a share of all rules has glob subjects, four distinct
 * patterns per team ({@code system:serviceaccount:team-7-*:*}, {@code oidc:team-7-*}, {@code
 * *@team-7.example.com}, {@code oidc:team-7-*-admins}), taken from the GuardPolicy half. Also the
 * questions to ask it, each checked at build time to give the effect its benchmark claims to
 * measure. Immutable once built.
 */
final class PolicyCorpus {

  private static final int RULES_PER_ROLE = 5;

  record Question(Identity identity, Attributes attributes) {}

  final GuardPolicyEngine engine;
  /** The generated policy source, so a benchmark can load it with rules of its own appended. */
  final String yaml;
  final List<Question> allowedByRbac = new ArrayList<>();
  final List<Question> needingApproval = new ArrayList<>();
  final List<Question> deniedUnmatched = new ArrayList<>();
  /** Allowed only by a rule whose subject is a glob (service-account, e-mail and group globs). */
  final List<Question> allowedByGlob = new ArrayList<>();
  /**
   * Denied because nothing matches, asked by identities whose user and groups share long prefixes
   * and suffixes with every glob subject, so nothing can be ruled out early by the first character.
   */
  final List<Question> deniedUnmatchedGlob = new ArrayList<>();

  /** The corpus without glob subjects (beyond two cluster-wide rules). */
  PolicyCorpus(int ruleCount) throws PolicyLoadException {
    this(ruleCount, 0);
  }

  /** The corpus where {@code globSubjectPercent} of all rules have glob subjects. */
  PolicyCorpus(int ruleCount, int globSubjectPercent) throws PolicyLoadException {
    if (globSubjectPercent < 0 || globSubjectPercent > 40) {
      throw new IllegalArgumentException("globSubjectPercent must be 0..40, got " + globSubjectPercent);
    }
    int globRules = ruleCount * globSubjectPercent / 100;
    int guardRules = Math.max(1, ruleCount / 2 - globRules);
    int bindings = Math.max(1, (ruleCount - ruleCount / 2) / RULES_PER_ROLE);
    int teams = Math.max(1, ruleCount / 20);
    int roles = Math.max(1, bindings / 4);
    StringBuilder yaml = new StringBuilder();
    guardPolicy(yaml, guardRules, teams);
    globSubjectRules(yaml, globRules, teams);
    for (int r = 0; r < roles; r++) {
      clusterRole(yaml, r);
    }
    for (int b = 0; b < bindings; b++) {
      int team = b % teams;
      int role = b % roles;
      String ns = "team-" + team + "-ns" + (b / teams);
      roleBinding(yaml, b, ns, team, role);
      if (allowedByRbac.size() < 64) {
        allowedByRbac.add(new Question(member(team),
            Attributes.resource("get", "example.com", "v1", "widgets-" + role + "-2", "", ns, "w-" + b)));
      }
    }
    this.yaml = yaml.toString();
    this.engine = PolicyLoader.fromYaml("generated-" + ruleCount + ".yaml", this.yaml);
    if (engine.ruleCount() < ruleCount * 9 / 10 || engine.ruleCount() > ruleCount * 11 / 10 + 2) {
      throw new IllegalStateException("generated " + engine.ruleCount() + " rules for " + ruleCount);
    }
    for (int t = 0; t < Math.min(teams, 64); t++) {
      needingApproval.add(new Question(member(t),
          Attributes.resource("delete", "apps", "v1", "deployments", "", "prod-team-" + t, "web")));
      deniedUnmatched.add(new Question(member(t),
          Attributes.resource("get", "", "v1", "secrets", "", "team-" + ((t + 1) % Math.max(2, teams)) + "-other", "db")));
    }
    for (int j = 0; j < Math.min(globRules, 128); j++) {
      int t = j % teams;
      int kind = (j / teams) % 4;
      String ns = "team-" + t + "-ns" + (j % 3);
      if (kind == 0) {
        allowedByGlob.add(new Question(serviceAccount(ns, "builder-" + j),
            Attributes.resource("get", "", "v1", "configmaps", "", ns, "settings")));
      } else if (kind == 2) {
        allowedByGlob.add(new Question(
            Identity.of("dev-" + j + "@team-" + t + ".example.com", "oidc:team-" + t + "-devs", Identity.AUTHENTICATED),
            Attributes.resource("get", "", "v1", "pods", "", ns, "web-0")));
      }
    }
    if (globRules > 0) {
      for (int t = 0; t < Math.min(teams, 64); t++) {
        String ns = "elsewhere-" + t + "-ns0";
        Identity sa = serviceAccount(ns, "builder");
        Identity stranger = Identity.of("dev@elsewhere-" + t + ".example.com",
            "oidc:elsewhere-" + t + "-admins", "oidc:team-" + t + "x-devs", Identity.AUTHENTICATED);
        deniedUnmatchedGlob.add(new Question(t % 2 == 0 ? sa : stranger,
            Attributes.resource("get", "", "v1", "configmaps", "", ns, "settings")));
      }
    }
    expect(allowedByRbac, Decision.Effect.ALLOW);
    expect(needingApproval, Decision.Effect.REQUIRE_APPROVAL);
    expect(deniedUnmatched, Decision.Effect.DENY);
    expect(allowedByGlob, Decision.Effect.ALLOW);
    expect(deniedUnmatchedGlob, Decision.Effect.DENY);
    for (Question q : allowedByGlob) {
      if (!engine.decide(q.identity(), q.attributes()).ruleId().startsWith("glob-")) {
        throw new IllegalStateException("expected a glob-subject rule to allow " + q);
      }
    }
  }

  private static Identity serviceAccount(String namespace, String name) {
    return Identity.of("system:serviceaccount:" + namespace + ":" + name,
        "system:serviceaccounts", "system:serviceaccounts:" + namespace, Identity.AUTHENTICATED);
  }

  /** Rules {@code glob-<j>} of team {@code j % teams}, kinds cycling per round over all teams. */
  private static void globSubjectRules(StringBuilder y, int count, int teams) {
    for (int j = 0; j < count; j++) {
      String team = "team-" + (j % teams);
      y.append("  - name: glob-").append(j).append('\n');
      switch ((j / teams) % 4) {
        case 0 -> y.append("    subjects: {users: [\"system:serviceaccount:").append(team).append("-*:*\"]}\n")
            .append("    effect: allow\n")
            .append("    match: {verbs: [get, list, watch], apiGroups: [\"\"], resources: [configmaps], namespaces: [\"")
            .append(team).append("-*\"]}\n");
        case 1 -> y.append("    subjects: {groups: [\"oidc:").append(team).append("-*\"]}\n")
            .append("    effect: allow\n")
            .append("    match: {verbs: [get, list], apiGroups: [\"\", apps], resources: [services, deployments], namespaces: [")
            .append(team).append(", \"").append(team).append("-*\"]}\n");
        case 2 -> y.append("    subjects: {users: [\"*@").append(team).append(".example.com\"]}\n")
            .append("    effect: allow\n")
            .append("    match: {verbs: [get, list, watch], apiGroups: [\"\"], resources: [pods, pods/log], namespaces: [\"")
            .append(team).append("-*\"]}\n");
        default -> y.append("    subjects: {groups: [\"oidc:").append(team).append("-*-admins\"]}\n")
            .append("    effect: deny\n")
            .append("    match: {verbs: [delete, deletecollection], apiGroups: [\"*\"], resources: [\"*\"], namespaces: [\"")
            .append(team).append("-*\"]}\n");
      }
    }
  }

  private static Identity member(int team) {
    return Identity.of("user-" + team, "team-" + team, Identity.AUTHENTICATED);
  }

  private void expect(List<Question> questions, Decision.Effect effect) {
    for (Question q : questions) {
      Decision d = engine.decide(q.identity(), q.attributes());
      if (d.effect() != effect) {
        throw new IllegalStateException("expected " + effect + " for " + q + " but got " + d);
      }
    }
  }

  private static void guardPolicy(StringBuilder y, int count, int teams) {
    y.append("apiVersion: kubeguard.dev/v1\nkind: GuardPolicy\nmetadata: {name: generated}\n")
        .append("spec:\n  defaults: {auditLevel: Metadata, maskingProfile: default}\n  rules:\n");
    y.append("""
          - name: sre-read-everything
            subjects: {groups: ["sre-*"]}
            effect: allow
            match: {verbs: [get, list, watch], apiGroups: ["*"], resources: ["*"]}
        """);
    if (count > 1) {
      y.append("""
            - name: ci-bots-list
              subjects: {users: ["ci-*"]}
              effect: allow
              match: {verbs: [list], apiGroups: [apps], resources: [deployments], namespaces: ["*"]}
          """);
    }
    for (int k = 2; k < count; k++) {
      // Kinds cycle from "approve" so that even the smallest corpus holds every kind.
      int t = ((k - 2) / 5) % teams;
      String team = "team-" + t;
      y.append("  - name: g-").append(k).append('\n');
      switch ((k - 2) % 5) {
        case 0 -> y.append("    subjects: {groups: [").append(team).append("]}\n")
            .append("    effect: approve\n    approval: {approverGroups: [").append(team).append("-leads], ttl: 15m}\n")
            .append("    match: {verbs: [delete, deletecollection], apiGroups: [\"\", apps], resources: [\"*\"], ")
            .append("namespaces: [prod-").append(team).append(", \"prod-").append(team).append("-*\"]}\n")
            .append("    obligations: {auditLevel: RequestResponse}\n");
        case 1 -> y.append("    subjects: {groups: [").append(team).append("-contractors]}\n")
            .append("    effect: deny\n")
            .append("    match: {verbs: [get, list, watch], apiGroups: [\"\"], resources: [secrets], namespaces: [\"*\"]}\n");
        case 2 -> y.append("    subjects: {groups: [").append(team).append("]}\n")
            .append("    effect: allow\n")
            .append("    match: {verbs: [get, list, watch], apiGroups: [\"\", apps], resources: [pods, pods/log, deployments, services], ")
            .append("namespaces: [").append(team).append(", \"").append(team).append("-*\"]}\n")
            .append("    obligations: {auditLevel: Request}\n");
        case 3 -> y.append("    subjects: {serviceAccounts: [{namespace: ").append(team).append(", name: deployer}]}\n")
            .append("    effect: allow\n")
            .append("    match: {verbs: [patch, update], apiGroups: [apps], resources: [deployments, \"*/scale\"], namespaces: [")
            .append(team).append("]}\n");
        default -> y.append("    subjects: {groups: [").append(team).append("]}\n")
            .append("    effect: allow\n")
            .append("    match: {verbs: [get], nonResourceURLs: [/healthz, \"/logs/").append(team).append("/*\"]}\n");
      }
    }
  }

  private static void clusterRole(StringBuilder y, int r) {
    y.append("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: role-").append(r)
        .append("}\nrules:\n");
    for (int i = 0; i < RULES_PER_ROLE; i++) {
      y.append("- {apiGroups: [example.com], resources: [widgets-").append(r).append('-').append(i)
          .append(", widgets-").append(r).append('-').append(i).append("/status], verbs: [get, list, watch")
          .append(i % 2 == 0 ? ", update, patch" : "").append("]}\n");
    }
  }

  private static void roleBinding(StringBuilder y, int b, String ns, int team, int role) {
    y.append("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb-").append(b)
        .append(", namespace: ").append(ns).append("}\n")
        .append("roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: role-").append(role).append("}\n")
        .append("subjects:\n- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: team-").append(team).append("}\n")
        .append("- {kind: ServiceAccount, name: deployer}\n");
  }
}

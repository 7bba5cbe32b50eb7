package dev.kubeguard.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * For rule sets where most subjects and namespace scopes are globs built from overlapping pieces
 * (so patterns share trie paths, prefixes and suffixes), the indexed engine decides every question
 * exactly as a straightforward scan of every rule does, obligations and rule ids included. A
 * fixed seed, and a check that allows, approvals, rule denials, default denials, glob-subject
 * winners and namespace-glob winners all occurred, so the property cannot pass vacuously.
 */
class RuleIndexGlobSubjectsPropertyTest {

  private static final List<String> NAME_PIECES =
      List.of("system:serviceaccount:", "team-1", "team-12", "-", ":", "ci", "@x.com", "oidc:");
  private static final List<String> NS_PIECES = List.of("team-1", "team-12", "-", "prod", "a");
  private static final List<String> VERBS = List.of("get", "list", "delete", "*");
  private static final List<String> RESOURCES = List.of("pods", "pods/log", "*/scale", "secrets", "*");

  private static Gen<String> joined(List<String> pieces, int min, int max, boolean stars) {
    List<String> vocab = new ArrayList<>(pieces);
    if (stars) {
      vocab.add("*");
      vocab.add("*");
    }
    return lists().of(arbitrary().pick(vocab)).ofSizeBetween(min, max).map(l -> String.join("", l));
  }

  private static Gen<CompiledRule> rule(int ordinal) {
    Gen<List<String>> users = lists().of(joined(NAME_PIECES, 1, 4, true)).ofSizeBetween(0, 2);
    Gen<List<String>> groups = lists().of(joined(NAME_PIECES, 1, 4, true)).ofSizeBetween(0, 2);
    Gen<List<String>> namespaces = lists().of(joined(NS_PIECES, 0, 3, true)).ofSizeBetween(1, 2);
    Gen<Boolean> everywhere = booleans().all();
    Gen<Boolean> rbacSubjects = integers().between(0, 4).map(i -> i == 0);
    Gen<List<String>> verbs = lists().of(arbitrary().pick(VERBS)).ofSizeBetween(1, 2);
    Gen<List<String>> resources = lists().of(arbitrary().pick(RESOURCES)).ofSizeBetween(1, 2);
    Gen<Decision.Effect> effect = arbitrary().pick(
        List.of(Decision.Effect.ALLOW, Decision.Effect.ALLOW, Decision.Effect.ALLOW, Decision.Effect.DENY,
            Decision.Effect.REQUIRE_APPROVAL));
    return in -> {
      boolean exact = rbacSubjects.generate(in);
      List<Glob> u = new ArrayList<>();
      for (String p : users.generate(in)) {
        u.add(exact ? Glob.exact(p) : Glob.compile(p));
      }
      List<Glob> g = new ArrayList<>();
      for (String p : groups.generate(in)) {
        g.add(exact ? Glob.exact(p) : Glob.compile(p));
      }
      NamespaceScope scope = everywhere.generate(in)
          ? NamespaceScope.everywhere()
          : NamespaceScope.patterns(namespaces.generate(in));
      Decision.Effect e = effect.generate(in);
      Obligations o = e == Decision.Effect.REQUIRE_APPROVAL
          ? Obligations.defaults().withApproval(ApprovalRequirement.of("leads-" + ordinal))
          : Obligations.defaults();
      RuleMatch m = new RuleMatch(verbs.generate(in), List.of("*"), resources.generate(in), List.of(), List.of());
      return CompiledRule.of("r" + ordinal, ordinal, e, new Subjects(u, g), scope, m, o, "rule r" + ordinal);
    };
  }

  private static Gen<Identity> identities() {
    Gen<String> user = joined(NAME_PIECES, 1, 4, false);
    Gen<List<String>> groups = lists().of(joined(NAME_PIECES, 1, 4, false)).ofSizeBetween(0, 3);
    return in -> Identity.of(user.generate(in), groups.generate(in).toArray(String[]::new));
  }

  private static Gen<Attributes> questions() {
    Gen<String> verb = arbitrary().pick(List.of("get", "list", "delete", "create"));
    Gen<String> resource = arbitrary().pick(List.of("pods", "secrets", "deployments"));
    Gen<String> sub = arbitrary().pick(List.of("", "", "log", "scale"));
    Gen<String> ns = joined(NS_PIECES, 0, 3, false);
    return in -> Attributes.resource(
        verb.generate(in), "", "v1", resource.generate(in), sub.generate(in), ns.generate(in), "x");
  }

  private static boolean hasGlob(List<Glob> globs) {
    return globs.stream().anyMatch(g -> !g.isLiteral());
  }

  @Test
  void decidesAsAScanOfEveryRuleWhenSubjectsAndNamespacesAreGlobs() {
    Map<Decision.Effect, Integer> winners = new EnumMap<>(Decision.Effect.class);
    int[] seen = new int[3]; // no rule matched; a glob-subject rule won; a namespace-glob rule won
    qt().withFixedSeed(1818L)
        .withExamples(400)
        .forAll(RuleIndexPropertyTest.ruleSets(60, RuleIndexGlobSubjectsPropertyTest::rule), lists().of(identities()).ofSize(4), lists().of(questions()).ofSize(10))
        .checkAssert((rules, ids, questions) -> {
          GuardPolicyEngine engine = new GuardPolicyEngine(rules);
          RuleIndex index = RuleIndex.build(rules);
          for (Identity id : ids) {
            for (Attributes a : questions) {
              CompiledRule expected = RuleIndexPropertyTest.linearWinner(rules, id, a);
              CompiledRule actual = index.winner(id, a);
              if (expected != actual) {
                throw new AssertionError("for " + id + " asking " + a + ": the scan chose " + expected
                    + " but the index chose " + actual + "\nrules: " + rules);
              }
              Decision d = engine.decide(id, a);
              if (expected == null) {
                assertThat(d.effect()).isEqualTo(Decision.Effect.DENY);
                assertThat(d.ruleId()).isEmpty();
                seen[0]++;
                continue;
              }
              assertThat(d).isEqualTo(expected.fixedDecision());
              winners.merge(expected.effect(), 1, Integer::sum);
              if (hasGlob(expected.subjects().users()) || hasGlob(expected.subjects().groups())) {
                seen[1]++;
              }
              if (!expected.scope().isEverywhere() && hasGlob(expected.scope().globs())) {
                seen[2]++;
              }
            }
          }
        });
    assertThat(winners).as("winning effects").containsOnlyKeys(Decision.Effect.values());
    assertThat(seen).as("default denials, glob-subject winners, namespace-glob winners")
        .doesNotContain(0);
  }
}

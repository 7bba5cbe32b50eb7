package dev.kubeguard.core.policy;

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
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The key correctness property of the index: for any rule set and any question, the indexed
 * engine picks exactly the rule a brute-force scan of every rule picks. Vocabularies are small
 * and overlapping so that wildcards, subresources, prefixes, globs and namespace scopes collide
 * often.
 */
class RuleIndexPropertyTest {

  private static final List<String> VERBS = List.of("get", "list", "delete", "watch", "*", "GET");
  private static final List<String> GROUPS = List.of("", "apps", "*");
  private static final List<String> RESOURCES =
      List.of("pods", "pods/log", "pods/status", "*/scale", "deployments", "deployments/scale", "*", "pods/*", "*/*",
          "a/b/c");
  private static final List<String> NAMES = List.of("a", "b");
  private static final List<String> URLS = List.of("/healthz", "/logs/*", "*", "/api", "/apis/*", "/", "/logs**");
  private static final List<String> USER_PATTERNS =
      List.of("alice", "bob", "al*", "*", "system:serviceaccount:ns1:sa", "*:sa");
  private static final List<String> GROUP_PATTERNS = List.of("devs", "ops", "sre-*", "*", "system:serviceaccounts:ns1");
  private static final List<List<String>> SCOPES =
      List.of(List.of("ns1"), List.of("prod-*"), List.of(""), List.of("*", ""), List.of("ns1", "ns2"), List.of("*"));

  private static final List<String> REQ_VERBS = List.of("get", "list", "delete", "watch", "create", "GET");
  private static final List<String> REQ_RESOURCES = List.of("pods", "deployments", "nodes", "*", "a", "a/b");
  private static final List<String> REQ_SUBRESOURCES = List.of("", "", "log", "scale", "status", "*", "b/c", "c");
  private static final List<String> REQ_NAMESPACES = List.of("", "ns1", "ns2", "prod-eu");
  private static final List<String> REQ_NAMES = List.of("", "a", "b");
  private static final List<String> REQ_PATHS = List.of("/healthz", "/logs/x", "/logs", "/api", "/apis/v1", "/other", "");
  private static final List<String> REQ_USERS =
      List.of("alice", "bob", "albert", "carol", "system:serviceaccount:ns1:sa", "*");
  private static final List<String> REQ_GROUPS = List.of("devs", "ops", "sre-eu", "x", "system:serviceaccounts:ns1");

  private static Gen<List<String>> some(List<String> vocab, int max) {
    return lists().of(arbitrary().pick(vocab)).ofSizeBetween(0, max);
  }

  private static Gen<CompiledRule> rule(int ordinal) {
    Gen<List<String>> verbs = lists().of(arbitrary().pick(VERBS)).ofSizeBetween(1, 2);
    Gen<List<String>> groups = some(GROUPS, 2);
    Gen<List<String>> resources = some(RESOURCES, 2);
    Gen<List<String>> names = some(NAMES, 1);
    Gen<List<String>> urls = some(URLS, 2);
    Gen<List<String>> users = some(USER_PATTERNS, 2);
    Gen<List<String>> subjectGroups = some(GROUP_PATTERNS, 2);
    Gen<Integer> scope = integers().between(-2, SCOPES.size() - 1);
    Gen<Decision.Effect> effect = arbitrary().enumValues(Decision.Effect.class);
    Gen<Boolean> rbacSubjects = booleans().all();
    return in -> {
      boolean exactSubjects = rbacSubjects.generate(in);
      List<Glob> u = new ArrayList<>();
      for (String p : users.generate(in)) {
        u.add(exactSubjects ? Glob.exact(p) : Glob.compile(p));
      }
      List<Glob> g = new ArrayList<>();
      for (String p : subjectGroups.generate(in)) {
        g.add(exactSubjects ? Glob.exact(p) : Glob.compile(p));
      }
      int s = scope.generate(in);
      NamespaceScope ns = s < 0 ? NamespaceScope.everywhere() : NamespaceScope.patterns(SCOPES.get(s));
      Decision.Effect e = effect.generate(in);
      Obligations o = e == Decision.Effect.REQUIRE_APPROVAL
          ? Obligations.defaults().withApproval(ApprovalRequirement.of("leads"))
          : Obligations.defaults();
      RuleMatch m = new RuleMatch(
          verbs.generate(in), groups.generate(in), resources.generate(in), names.generate(in), urls.generate(in));
      return CompiledRule.of("r" + ordinal, ordinal, e, new Subjects(u, g), ns, m, o, "rule r" + ordinal);
    };
  }

  private static Gen<List<CompiledRule>> ruleSets() {
    return ruleSets(40, RuleIndexPropertyTest::rule);
  }

  /** Up to {@code max} rules, the i-th drawn from {@code rule.apply(i)} (its ordinal). */
  static Gen<List<CompiledRule>> ruleSets(int max, IntFunction<Gen<CompiledRule>> rule) {
    Gen<Integer> size = integers().between(0, max);
    return in -> {
      int n = size.generate(in);
      List<CompiledRule> rules = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rules.add(rule.apply(i).generate(in));
      }
      return rules;
    };
  }

  private static Gen<Attributes> questions() {
    Gen<Boolean> isResource = booleans().all();
    Gen<String> verb = arbitrary().pick(REQ_VERBS);
    Gen<String> group = arbitrary().pick(List.of("", "apps", "batch"));
    Gen<String> resource = arbitrary().pick(REQ_RESOURCES);
    Gen<String> sub = arbitrary().pick(REQ_SUBRESOURCES);
    Gen<String> ns = arbitrary().pick(REQ_NAMESPACES);
    Gen<String> name = arbitrary().pick(REQ_NAMES);
    Gen<String> path = arbitrary().pick(REQ_PATHS);
    return in -> isResource.generate(in)
        ? Attributes.resource(verb.generate(in), group.generate(in), "v1", resource.generate(in), sub.generate(in),
            ns.generate(in), name.generate(in))
        // Non-resource questions normally have no namespace, but the authorizer does not require it.
        : new Attributes(verb.generate(in), false, "", "", ns.generate(in), "", "", "", path.generate(in), "", "");
  }

  private static Gen<Identity> identities() {
    Gen<String> user = arbitrary().pick(REQ_USERS);
    Gen<List<String>> groups = some(REQ_GROUPS, 3);
    return in -> Identity.of(user.generate(in), groups.generate(in).toArray(String[]::new));
  }

  /** What a linear scan of every rule decides: the reference the index must equal. */
  static CompiledRule linearWinner(List<CompiledRule> rules, Identity id, Attributes a) {
    CompiledRule best = null;
    for (CompiledRule r : rules) {
      if (r.subjects().appliesTo(id) && r.covers(a) && r.beats(best)) {
        best = r;
      }
    }
    return best;
  }

  @Test
  void indexedAnswerEqualsLinearScanOfEveryRule() {
    qt().withExamples(500)
        .forAll(ruleSets(), identities(), lists().of(questions()).ofSize(20))
        .checkAssert((rules, id, questions) -> {
          RuleIndex index = RuleIndex.build(rules);
          for (Attributes a : questions) {
            CompiledRule expected = linearWinner(rules, id, a);
            CompiledRule actual = index.winner(id, a);
            if (expected != actual) {
              throw new AssertionError(
                  "for " + id + " asking " + a + ": linear scan chose " + expected + " but the index chose " + actual
                      + "\nrules: " + rules);
            }
          }
        });
  }
}

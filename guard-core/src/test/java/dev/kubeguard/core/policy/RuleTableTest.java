package dev.kubeguard.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Obligations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The resource table answers as a map keyed by {@code resource/subresource} would, without
 * building that string. Pieces include slashes (so {@code a} + {@code b/c} and {@code a/b} +
 * {@code c} name the same key) and {@code Aa}/{@code BB}, whose String hashes are equal, so probes
 * that share a hash but not a key occur; a non-Latin-1 piece makes some strings UTF-16 inside the
 * JVM, whose hash is over the same chars.
 */
class RuleTableTest {

  private static final List<String> PIECES = List.of("pods", "log", "/", "Aa", "BB", "a", "", "scale", "日");

  private static Gen<String> joined(int max) {
    return lists().of(arbitrary().pick(PIECES)).ofSizeBetween(0, max).map(l -> String.join("", l));
  }

  /** A rule that stands for its key: the table only files and returns rules, it never reads them. */
  private static CompiledRule ruleNaming(String key) {
    RuleMatch m = new RuleMatch(List.of("get"), List.of(""), List.of(key), List.of(), List.of());
    return CompiledRule.of(key, 0, Decision.Effect.ALLOW, new Subjects(List.of(), List.of()),
        NamespaceScope.everywhere(), m, Obligations.defaults(), "rule " + key);
  }

  @Test
  void answersAsAMapKeyedByTheJoinedString() {
    int[] hits = new int[2]; // found with and without a subresource
    qt().withFixedSeed(18L)
        .withExamples(500)
        .forAll(lists().of(joined(4)).ofSizeBetween(0, 40), lists().of(joined(3)).ofSize(30), lists().of(joined(2)).ofSize(30))
        .checkAssert((keys, resources, subresources) -> {
          Map<String, List<CompiledRule>> byKey = new HashMap<>();
          Map<String, CompiledRule> marker = new HashMap<>();
          for (String k : keys) {
            byKey.computeIfAbsent(k, x -> new ArrayList<>(List.of(marker.computeIfAbsent(k, RuleTableTest::ruleNaming))));
          }
          RuleTable table = RuleTable.of(byKey);
          for (int i = 0; i < resources.size(); i++) {
            String res = resources.get(i);
            String sub = subresources.get(i);
            String joined = sub.isEmpty() ? res : res + "/" + sub;
            CompiledRule[] found = table.get(res, sub);
            if (byKey.containsKey(joined)) {
              assertThat(found).as("%s + %s among %s", res, sub, keys).containsExactly(marker.get(joined));
              hits[sub.isEmpty() ? 1 : 0]++;
            } else {
              assertThat(found).as("%s + %s among %s", res, sub, keys).isNull();
            }
          }
        });
    assertThat(hits).as("hits with and without a subresource").doesNotContain(0);
  }
}

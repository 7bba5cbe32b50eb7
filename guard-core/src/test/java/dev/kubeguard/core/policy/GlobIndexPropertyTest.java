package dev.kubeguard.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kubeguard.api.Attributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The glob index reports, for any string, exactly the patterns that match it, each once: the same
 * answer as testing every pattern in turn. Pattern and string pieces overlap heavily so that
 * prefixes, suffixes, shared trie paths and unanchored patterns all occur.
 */
class GlobIndexPropertyTest {

  private static final List<String> PIECES =
      List.of("system:serviceaccount:", "team-1", "team-12", "-", ":", "a", "@x.com", "*", "*");

  /** A target that records that it was offered. */
  private record Recorder(String pattern, List<String> seen) implements GlobIndex.Target {
    @Override
    public CompiledRule collect(Attributes a, CompiledRule best) {
      seen.add(pattern);
      return best;
    }
  }

  private static Gen<String> joined(List<String> pieces, int max) {
    return lists().of(arbitrary().pick(pieces)).ofSizeBetween(0, max).map(l -> String.join("", l));
  }

  @Test
  void reportsExactlyThePatternsThatMatchEachOnce() {
    List<String> text = PIECES.stream().filter(p -> !p.equals("*")).toList();
    int[] coverage = new int[4]; // matched by prefix, by suffix, unanchored; strings matched by nothing
    qt().withFixedSeed(18L)
        .withExamples(400)
        .forAll(lists().of(joined(PIECES, 4)).ofSizeBetween(0, 30), lists().of(joined(text, 4)).ofSize(20))
        .checkAssert((patterns, strings) -> {
          List<String> seen = new ArrayList<>();
          Map<String, Recorder> targets = new LinkedHashMap<>();
          for (String p : patterns) {
            targets.put(p, new Recorder(p, seen));
          }
          GlobIndex<Recorder> index = GlobIndex.of(targets);
          Attributes a = Attributes.resource("get", "", "v1", "pods", "", "", "");
          for (String s : strings) {
            seen.clear();
            index.collectMatches(s, a, null);
            List<String> expected = new ArrayList<>();
            for (String p : targets.keySet()) {
              if (Glob.compile(p).matches(s)) {
                expected.add(p);
              }
            }
            assertThat(seen).as("patterns matching %s among %s", s, targets.keySet())
                .containsExactlyInAnyOrderElementsOf(expected);
            for (String p : expected) {
              Glob g = Glob.compile(p);
              coverage[g.prefix().isEmpty() && g.suffix().isEmpty() ? 2
                  : g.prefix().length() >= g.suffix().length() ? 0 : 1]++;
            }
            if (expected.isEmpty()) {
              coverage[3]++;
            }
          }
        });
    assertThat(coverage).as("prefix, suffix, unanchored matches and misses").doesNotContain(0);
  }
}

package dev.kubeguard.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GlobTest {

  @Test
  void starMatchesAnyRunIncludingNone() {
    Glob g = Glob.compile("sre-*");

    assertThat(g.matches("sre-")).isTrue();
    assertThat(g.matches("sre-eu")).isTrue();
    assertThat(g.matches("xsre-eu")).isFalse();
    assertThat(Glob.compile("a*b*c").matches("abc")).isTrue();
    assertThat(Glob.compile("a*b*c").matches("aXbYbZc")).isTrue();
    assertThat(Glob.compile("a*b*c").matches("acb")).isFalse();
    assertThat(Glob.compile("*a*a*").matches("a")).isFalse();
  }

  @Test
  void exactGlobTreatsStarAsALetter() {
    assertThat(Glob.exact("*").matches("alice")).isFalse();
    assertThat(Glob.exact("*").matches("*")).isTrue();
  }

  @Test
  void agreesWithTheEquivalentRegex() {
    qt().withExamples(300)
        .forAll(
            lists().of(arbitrary().pick(List.of("a", "b", "*", "-"))).ofSizeBetween(0, 6),
            lists().of(arbitrary().pick(List.of("a", "b", "-"))).ofSizeBetween(0, 8))
        .check((patternParts, textParts) -> {
          String pattern = String.join("", patternParts);
          String text = String.join("", textParts);
          String regex = patternParts.stream()
              .map(p -> p.equals("*") ? ".*" : Pattern.quote(p))
              .collect(Collectors.joining());
          return Glob.compile(pattern).matches(text) == text.matches(regex);
        });
  }
}

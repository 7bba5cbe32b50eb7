package dev.kubeguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The corpus is what the conformance hook accepts, and holds the shapes it promises. */
class WireCorpusTest {

  @Test
  void everyTargetIsAnOriginFormUriWithoutFragment() {
    qt().withExamples(2000).forAll(WireCorpus.targets()).checkAssert(t -> {
      assertThat(t).startsWith("/").doesNotContain("#").doesNotContain(" ");
      URI u = URI.create("http://127.0.0.1:1" + t);
      assertThat(u.getRawFragment()).isNull();
    });
  }

  @Test
  void corpusHoldsEveryShapeTheJudgedEqualsSentCaseIsAbout() {
    List<String> seen = new CopyOnWriteArrayList<>();
    // A fixed seed: this checks what the generator covers, which is a claim about a sample.
    qt().withFixedSeed(20261201L).withExamples(4000).forAll(WireCorpus.targets()).checkAssert(seen::add);

    for (String shape : List.of("/../", "/%2e%2e", "/%2E%2e", "/.%2e", "/./", "//", "%2F", "%252F", ";", "+", "~",
        "%C3%A9", "a".repeat(253), "?fieldSelector=", "?x=/../", "'")) {
      assertThat(seen).as(shape).anyMatch(t -> t.contains(shape));
    }
    assertThat(seen).as("trailing slash").anyMatch(t -> t.indexOf('?') < 0 && t.endsWith("/"));
    assertThat(seen).as("leading //").anyMatch(t -> t.startsWith("//api/"));
    assertThat(seen).as("dot segment last").anyMatch(t -> t.endsWith("/.."));
  }
}

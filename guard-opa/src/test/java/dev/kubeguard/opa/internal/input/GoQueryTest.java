package dev.kubeguard.opa.internal.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoQueryTest {

  @Test
  void decodesNamesAndValuesAsKubeApiserverDoes() {
    assertThat(GoQuery.parse("wat%63h=1&labelSelector=app%3Dweb+x&limit=5&limit=6"))
        .isEqualTo(Map.of("watch", List.of("1"), "labelSelector", List.of("app=web x"), "limit", List.of("5", "6")));
  }

  @Test
  void dropsPairsTheServerDrops() {
    assertThat(GoQuery.parse("a=1;b=2&c=%zz&d=%4&e=ok&&f"))
        .containsExactly(Map.entry("e", List.of("ok")), Map.entry("f", List.of("")));
  }

  @Test
  void keepsMultiByteCharactersIntact() {
    assertThat(GoQuery.parse("name=caf%C3%A9+\uD83D\uDE00")).containsEntry("name", List.of("café \uD83D\uDE00"));
  }

  @Test
  void anEmptyQueryHasNoParameters() {
    assertThat(GoQuery.parse("")).isEmpty();
  }
}

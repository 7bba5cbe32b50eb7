package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.kubeguard.api.spi.MaskingException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The masker refuses an object with a duplicate key itself (not through Jackson's duplicate
 * detection): whatever the object's size (a short scan below 16 names, a set above), however a
 * name is spelled (a JSON escape names the same key), wherever the object sits, and at any
 * chunking. An object without duplicates passes byte-identical.
 */
class DuplicateKeysPropertiesTest {

  static final DefaultMasker MASKER = Masking.masker();

  @Test
  void anObjectIsWithheldExactlyWhenItRepeatsAKey() {
    qt().withExamples(300).forAll(longs().all()).checkAssert(DuplicateKeysPropertiesTest::check);
  }

  private static void check(long seed) {
    Random r = new Random(seed);
    int n = 1 + r.nextInt(r.nextBoolean() ? 12 : 60);
    int distinct = 1 + r.nextInt(r.nextBoolean() ? n : 3 * n);
    Set<Integer> seen = new HashSet<>();
    boolean duplicate = false;
    StringBuilder object = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(distinct);
      duplicate |= !seen.add(k);
      // the same key, sometimes with its first letter escaped
      String name = (r.nextInt(4) == 0 ? "\\u0066" : "f") + k;
      object.append(i == 0 ? "" : ",").append('"').append(name).append("\":\"v").append(i).append('"');
    }
    object.append('}');
    String body =
        switch (r.nextInt(3)) {
          case 0 -> "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"data\":" + object + "}";
          case 1 -> "{\"kind\":\"PodList\",\"items\":[{\"kind\":\"Pod\",\"spec\":" + object + "}]}";
          default -> object.toString();
        };
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Random chunks = new Random(seed ^ 0x5DEECE66DL);
    if (duplicate) {
      assertThatThrownBy(() -> Masking.mask(MASKER, "default", "application/json", bytes, chunks))
          .as(body)
          .isInstanceOf(MaskingException.class)
          .hasMessageContaining("duplicate key");
    } else {
      try {
        assertThat(Masking.mask(MASKER, "default", "application/json", bytes, chunks).body()).as(body).isEqualTo(bytes);
      } catch (MaskingException e) {
        throw new AssertionError("no duplicate, yet withheld: " + body, e);
      }
    }
  }
}

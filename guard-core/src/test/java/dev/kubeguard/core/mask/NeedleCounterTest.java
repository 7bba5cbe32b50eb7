package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The leak check counts a secret wherever the chunks cut it. */
class NeedleCounterTest {

  @Test
  void countsEveryOccurrenceWhereverTheChunksCut() {
    qt().withExamples(300)
        .forAll(longs().all(), integers().between(0, 40), integers().between(1, 12))
        .checkAssert((seed, occurrences, maxChunk) -> {
          Random random = new Random(seed);
          StringBuilder text = new StringBuilder();
          for (int i = 0; i < occurrences; i++) {
            // overlapping prefixes ("aab" before "aab") and back-to-back needles included
            text.append("ab".repeat(random.nextInt(3))).append("a".repeat(random.nextInt(2))).append("aab");
          }
          byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
          NeedleCounter counter = new NeedleCounter("aab");
          int i = 0;
          while (i < body.length) {
            int n = Math.min(body.length - i, 1 + random.nextInt(maxChunk));
            counter.scan(body, i, n);
            i += n;
          }
          assertThat(counter.count()).isEqualTo(count(text.toString(), "aab"));
        });
  }

  private static long count(String text, String needle) {
    long n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}

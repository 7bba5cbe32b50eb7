package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The masker splices output at {@link OffsetJsonFactory.Parser#tokenEnd()}: it must be exactly
 * the offset Jackson's own {@code currentLocation()} reports, after every token, however the
 * input is cut into chunks, or masked spans would land off by some bytes.
 */
class OffsetJsonFactoryTest {

  private static final List<String> CAPTURES = List.of(
      "secret-list.json", "secret-get.json", "deployment-get.json", "secret-list-table-includeObject.json",
      "secret-watch.jsonstream", "discovery-apis.json", "must-not-leak.json");

  private final OffsetJsonFactory factory = new OffsetJsonFactory(new JsonFactoryBuilder());

  @Test
  void tokenEndIsTheOffsetJacksonReportsAfterEveryTokenAtAnyChunking() {
    qt().withExamples(200)
        .forAll(integers().between(0, CAPTURES.size() - 1), integers().between(1, 4096), integers().all())
        .checkAssert((which, chunk, seed) -> {
          byte[] body = capture(CAPTURES.get(which));
          assertThat(tokensChecked(body, chunk, seed)).isPositive();
        });
  }

  /** Feeds body in chunks of 1..maxChunk bytes; returns how many tokens were compared. */
  private int tokensChecked(byte[] body, int maxChunk, int seed) {
    Random random = new Random(seed);
    int compared = 0;
    try (OffsetJsonFactory.Parser p = factory.createOffsetParser()) {
      int at = 0;
      while (true) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.NOT_AVAILABLE) {
          if (at == body.length) {
            p.endOfInput();
            continue;
          }
          int n = Math.min(body.length - at, 1 + random.nextInt(maxChunk));
          p.feedInput(body, at, at + n);
          at += n;
          continue;
        }
        if (t == null) {
          return compared;
        }
        assertThat(p.tokenEnd()).as("after %s at token %d", t, compared).isEqualTo(p.currentLocation().getByteOffset());
        compared++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] capture(String name) {
    try (InputStream in = OffsetJsonFactoryTest.class.getResourceAsStream("apiserver-v1.28/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated object shapes, written as raw JSON text: secrets planted under sensitive names at
 * random depths, in JSON embedded 1-3 levels down, in Secret items of lists (kind before or after
 * data), sometimes with a duplicate key; each body cut at random boundaries (1-byte chunks
 * included) and at one random point. No planted secret survives: the body is masked, or withheld
 * when it has a duplicate key. A body with nothing to mask comes out byte-identical at any split.
 */
class NoLeakPropertiesTest {

  static final DefaultMasker MASKER = Masking.masker();
  static final String[] SENSITIVE = {
    "password", "apiKey", "client_secret", "accessToken", "privateKey", "credentials", "dbPassword", "AUTH_TOKEN", "tls.key"
  };
  static final String[] STRING_ONLY = {"SIGNING_SALT", "sentryDsn", "sessionCookie"};
  /** Bodies up to this size hold no string past the masker's 4 MiB bound, so they must be masked, not withheld. */
  static final int WITHIN_LIMITS = 1 << 20;
  static final String[] NEUTRAL = {"alpha", "beta", "config", "spec", "labels", "host", "port", "mode", "replicas", "note", "image"};

  @Test
  void noPlantedSecretSurvivesAnyShapeOrSplit() {
    qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
      Gen g = new Gen(new Random(seed), true);
      String body = g.body();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > WITHIN_LIMITS) {
        return; // escaping grows with each embedded level: past the masker's limits a body is withheld by design
      }
      for (Split split : splits(g.r, bytes.length)) {
        Outcome o = run(bytes, split);
        if (g.duplicate) {
          assertThat(o.failure).as("a duplicate key withholds the body: " + body).isNotNull();
          assertThat(o.failure.getMessage()).contains("withheld");
        } else {
          assertThat(o.failure).as("masks " + body).isNull();
        }
        for (String s : g.secrets) {
          assertThat(o.emitted).as("secret %s in %s", s, body).doesNotContain(s);
          assertThat(o.emitted).doesNotContain(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
        }
      }
    });
  }

  @Test
  void aBodyWithNothingToMaskComesOutByteIdenticalAtAnySplit() {
    qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
      Gen g = new Gen(new Random(seed), false);
      String body = g.body();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > WITHIN_LIMITS) {
        return; // escaping grows with each embedded level: past the masker's limits a body is withheld by design
      }
      for (Split split : splits(g.r, bytes.length)) {
        Outcome o = run(bytes, split);
        assertThat(o.failure).isNull();
        assertThat(o.emitted).as("unchanged").isEqualTo(body);
      }
    });
  }

  /** How a body is cut: one random point, random sizes, all 1-byte chunks. */
  record Split(int at, Random random, boolean bytewise) {}

  static List<Split> splits(Random r, int length) {
    return List.of(
        new Split(length == 0 ? 0 : r.nextInt(length + 1), null, false),
        new Split(-1, new Random(r.nextLong()), false),
        new Split(-1, null, true));
  }

  record Outcome(String emitted, MaskingException failure) {}

  static Outcome run(byte[] body, Split split) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MaskingStream s = MASKER.open(
          new MaskingContext("default", "application/json", Masking.request("get", "widgets", "")),
          c -> {
            byte[] b = new byte[c.remaining()];
            c.get(b);
            out.write(b);
          });
      List<int[]> chunks = new ArrayList<>();
      if (split.bytewise()) {
        for (int i = 0; i < body.length; i++) {
          chunks.add(new int[] {i, 1});
        }
      } else if (split.random() != null) {
        int i = 0;
        while (i < body.length) {
          int n = Math.min(body.length - i, 1 + split.random().nextInt(split.random().nextBoolean() ? 4 : 300));
          chunks.add(new int[] {i, n});
          i += n;
        }
      } else {
        chunks.add(new int[] {0, split.at()});
        chunks.add(new int[] {split.at(), body.length - split.at()});
      }
      for (int[] c : chunks) {
        s.write(ByteBuffer.wrap(body, c[0], c[1]));
      }
      s.finish();
      return new Outcome(out.toString(StandardCharsets.UTF_8), null);
    } catch (MaskingException e) {
      return new Outcome(out.toString(StandardCharsets.UTF_8), e);
    }
  }

  /** Writes one random body as JSON text, with odd whitespace, planting secrets when asked. */
  static final class Gen {
    final Random r;
    final boolean plant;
    final List<String> secrets = new ArrayList<>();
    boolean duplicate;
    // inside embedded JSON a duplicate key makes that string unparsable: it is masked whole, not withheld
    int embedding;

    Gen(Random r, boolean plant) {
      this.r = r;
      this.plant = plant;
    }

    String body() {
      StringBuilder sb = new StringBuilder();
      switch (r.nextInt(3)) {
        case 0 -> resource(sb, 0, "Widget");
        case 1 -> list(sb, 0);
        default -> {
          for (int i = 0; i < 1 + r.nextInt(3); i++) {
            sb.append("{\"type\":\"ADDED\",\"object\":");
            resource(sb, 0, "Widget");
            sb.append("}\n");
          }
        }
      }
      return sb.toString();
    }

    private String secret() {
      String s = "Zq" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + "x9";
      secrets.add(s);
      return s;
    }

    private String word() {
      return PlainWords.word(r, 2, 8);
    }

    private void ws(StringBuilder sb) {
      int k = r.nextInt(8);
      if (k == 0) {
        sb.append(' ');
      } else if (k == 1) {
        sb.append("\n  ");
      }
    }

    private void resource(StringBuilder sb, int depth, String kind) {
      List<String> fields = new ArrayList<>();
      fields.add("\"kind\":\"" + kind + "\"");
      fields.add("\"metadata\":{\"name\":\"" + word() + "\",\"resourceVersion\":\"" + r.nextInt(999) + "\"}");
      StringBuilder spec = new StringBuilder();
      object(spec, depth + 1);
      fields.add("\"spec\":" + spec);
      java.util.Collections.shuffle(fields, r);
      sb.append('{');
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        ws(sb);
        sb.append(fields.get(i));
      }
      sb.append('}');
    }

    private void list(StringBuilder sb, int depth) {
      sb.append("{\"kind\":\"").append(r.nextBoolean() ? "List" : "WidgetList").append("\",\"items\":[");
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(',');
        }
        if (plant && r.nextBoolean()) {
          secretItem(sb);
        } else {
          resource(sb, depth + 1, "Widget");
        }
      }
      sb.append("]}");
    }

    private void secretItem(StringBuilder sb) {
      String data = "\"data\":{\"" + word() + "\":\"" + Base64.getEncoder().encodeToString(secret().getBytes(StandardCharsets.UTF_8)) + "\"}";
      String kind = "\"kind\":\"" + (r.nextBoolean() ? "Secret" : "secret") + "\"";
      String meta = "\"metadata\":{\"name\":\"" + word() + "\"}";
      if (r.nextBoolean()) {
        sb.append('{').append(kind).append(',').append(meta).append(',').append(data).append('}');
      } else {
        sb.append('{').append(data).append(',').append(meta).append(',').append(kind).append('}');
      }
    }

    private void object(StringBuilder sb, int depth) {
      sb.append('{');
      int n = 1 + r.nextInt(4);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(',');
        }
        ws(sb);
        String key = NEUTRAL[r.nextInt(NEUTRAL.length)] + i;
        int what = plant ? r.nextInt(10) : 5 + r.nextInt(5);
        String name = switch (what) {
          case 0, 1 -> SENSITIVE[r.nextInt(SENSITIVE.length)] + (keys.isEmpty() ? "" : "_" + i);
          case 2 -> STRING_ONLY[r.nextInt(STRING_ONLY.length)] + (keys.isEmpty() ? "" : "_" + i);
          default -> key;
        };
        keys.add(name);
        sb.append('"').append(name).append("\":");
        switch (what) {
          case 0, 2 -> sb.append('"').append(secret()).append('"');
          case 1 -> sb.append("{\"v\":\"").append(secret()).append("\",\"list\":[\"").append(secret()).append("\",")
              .append(r.nextInt(99)).append("]}");
          case 3 -> embedded(sb, 1 + r.nextInt(3));
          case 4 -> list(sb, depth + 1);
          default -> neutral(sb, depth);
        }
      }
      if (plant && r.nextInt(12) == 0 && !keys.isEmpty()) {
        duplicate |= embedding == 0;
        sb.append(",\"").append(keys.get(0)).append("\":").append(r.nextBoolean() ? "\"" + secret() + "\"" : "1");
      }
      sb.append('}');
    }

    private void embedded(StringBuilder sb, int levels) {
      StringBuilder inner = new StringBuilder();
      embedding++;
      if (levels <= 1) {
        resource(inner, 5, "Widget");
      } else {
        inner.append("{\"kind\":\"Widget\",\"spec\":{\"nested\":");
        embedded(inner, levels - 1);
        inner.append("}}");
      }
      embedding--;
      try {
        sb.append(MaskedOutput.JSON.writeValueAsString(inner.toString()));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }

    private void neutral(StringBuilder sb, int depth) {
      switch (r.nextInt(depth > 3 ? 4 : 6)) {
        case 0 -> sb.append('"').append(word()).append(r.nextBoolean() ? "\\u00e9\\n" : "").append('"');
        case 1 -> sb.append(r.nextBoolean() ? Integer.toString(r.nextInt(1000)) : "1.50e2");
        case 2 -> sb.append(r.nextBoolean());
        case 3 -> sb.append("null");
        case 4 -> object(sb, depth + 1);
        default -> {
          sb.append('[');
          for (int i = 0; i < r.nextInt(3); i++) {
            if (i > 0) {
              sb.append(", ");
            }
            neutral(sb, depth + 1);
          }
          sb.append(']');
        }
      }
    }
  }
}

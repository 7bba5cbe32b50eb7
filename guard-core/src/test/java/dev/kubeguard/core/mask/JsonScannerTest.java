package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the scanner does beyond Jackson, which {@code JsonScannerDifferentialTest} cannot hold it
 * to: it refuses every byte sequence that is not UTF-8, where Jackson decodes some into
 * characters a client may read otherwise (an overlong {@code C0 A2} is a quote to Jackson).
 */
class JsonScannerTest {

  @Test
  void refusesEveryByteSequenceThatIsNotUtf8InAStringOrAName() {
    List<String> notUtf8 = List.of(
        "C0 A2", "C1 BF", // overlong ASCII
        "E0 80 80", "E0 9F BF", // overlong 3-byte forms
        "ED A0 80", "ED BF BF", // UTF-16 surrogates, encoded
        "F0 80 80 80", "F0 8F BF BF", // overlong 4-byte forms
        "F4 90 80 80", "F5 80 80 80", "F7 BF BF BF", // past U+10FFFF
        "F8 88 80 80 80", "FF", "80", "BF", // no such lead
        "C3 41", "E2 82 41", "F0 9F 98 41"); // a lead without its continuation
    for (String hex : notUtf8) {
      byte[] bad = HexFormat.ofDelimiter(" ").parseHex(hex);
      for (String shape : List.of("[\"a%sb\"]", "{\"a%sb\":1}")) {
        String[] parts = shape.split("%s");
        byte[] body = concat(parts[0].getBytes(StandardCharsets.US_ASCII), bad, parts[1].getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> scanAll(body)).as("%s in %s", hex, shape)
            .isInstanceOf(JsonScanner.Malformed.class).hasMessageContaining("not UTF-8");
      }
    }
  }

  @Test
  void readsTheUtf8AtEachEdgeOfItsRanges() throws IOException {
    for (String hex : List.of("C2 80", "DF BF", "E0 A0 80", "ED 9F BF", "EE 80 80", "EF BF BF", "F0 90 80 80", "F4 8F BF BF")) {
      byte[] ok = HexFormat.ofDelimiter(" ").parseHex(hex);
      String expected = new String(ok, StandardCharsets.UTF_8);
      byte[] body = concat("[\"".getBytes(StandardCharsets.US_ASCII), ok, "\"]".getBytes(StandardCharsets.US_ASCII));
      assertThat(scanAll(body)).as(hex).containsExactly("[", "s:" + expected, "]");
    }
  }

  @Test
  void countsAByteOrderMarkAtTheStartInItsOffsets() throws IOException {
    JsonScanner s = new JsonScanner(1000, 16);
    byte[] body = "\uFEFF{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    s.input(body, 0, body.length);
    s.endOfInput();
    assertThat(s.next()).isEqualTo(JsonScanner.START_OBJECT);
    assertThat(s.tokenEnd()).isEqualTo(4);
  }

  @Test
  void readsEveryNameRightWhenThereAreMoreThanItsCacheHolds() throws IOException {
    // 3,000 names, some alike at both ends and in length, twice over: sets fill and evict
    StringBuilder json = new StringBuilder("[");
    List<String> expected = new java.util.ArrayList<>(List.of("["));
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 3000; i++) {
        String n = i % 2 == 0 ? "n" + i : "a" + Integer.toString(i, 36) + "e";
        json.append(round + i == 0 ? "{" : ",{").append('"').append(n).append("\":").append(i % 10).append('}');
        expected.addAll(List.of("{", "n:" + n, "v:" + (i % 10), "}"));
      }
    }
    expected.add("]");
    assertThat(scanAll(json.append(']').toString().getBytes(StandardCharsets.US_ASCII))).containsExactlyElementsOf(expected);
  }

  /** The tokens of {@code body} fed whole: brackets as themselves, strings as {@code s:text}. */
  private static List<String> scanAll(byte[] body) throws IOException {
    JsonScanner s = new JsonScanner(1000, 16);
    s.input(body, 0, body.length);
    s.endOfInput();
    List<String> out = new java.util.ArrayList<>();
    for (int t; (t = s.next()) != JsonScanner.END; ) {
      out.add(switch (t) {
        case JsonScanner.START_ARRAY -> "[";
        case JsonScanner.END_ARRAY -> "]";
        case JsonScanner.START_OBJECT -> "{";
        case JsonScanner.END_OBJECT -> "}";
        case JsonScanner.STRING -> "s:" + s.text();
        case JsonScanner.FIELD_NAME -> "n:" + s.text();
        default -> "v:" + s.text();
      });
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A Secret's value must hash over the very bytes the JDK's MIME decoder gives, or fail where it fails. */
class MimeBase64Test {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // what a value may hold besides the alphabet: padding, line breaks, other ASCII, Latin-1, past Latin-1
  private static final String OTHERS = "=\r\n \t?*-_.\u0000\u00e9\u00ff\u0100\u4e00\ud83d";

  @Test
  void decodesAsTheJdksMimeDecoderOrFailsWhereItFails() {
    qt().withExamples(20_000)
        .forAll(longs().all())
        .checkAssert(seed -> {
          String s = value(new Random(seed));
          assertSameAsJdk(s);
        });
  }

  @Test
  void realShapesOfSecretValues() {
    String pem = Base64.getMimeEncoder().encodeToString(new byte[200]);
    for (String s : new String[] {"", "=", "==", "A", "AA", "AA=", "AA==", "AAA", "AAA=", "AAAA", "AAAA=", "AA==A",
        "AA=\n=", "AA\n==", "AAAA\r\nAAAA", "YWJj", "YWJjZA==", "YWJjZA", "YWJjZA=", pem, pem + "\n", " " + pem,
        "c2VjcmV0\u00e9", "\u4e00YWJj"}) {
      assertSameAsJdk(s);
    }
  }

  private static void assertSameAsJdk(String s) {
    byte[] want;
    try {
      want = Base64.getMimeDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      want = null;
    }
    char[] c = ("xy" + s + "z").toCharArray();
    byte[] out = new byte[MimeBase64.maxDecodedLength(s.length())];
    int n = MimeBase64.decode(c, 2, s.length(), out);
    if (want == null) {
      assertThat(n).as("'%s' is not base64 to the JDK", s).isEqualTo(-1);
    } else {
      assertThat(n).as("'%s'", s).isNotNegative();
      assertThat(Arrays.copyOf(out, n)).as("'%s'", s).isEqualTo(want);
    }
  }

  private static String value(Random r) {
    StringBuilder sb = new StringBuilder();
    int len = r.nextInt(r.nextBoolean() ? 12 : 60);
    for (int i = 0; i < len; i++) {
      sb.append(r.nextInt(4) == 0 ? OTHERS.charAt(r.nextInt(OTHERS.length())) : ALPHABET.charAt(r.nextInt(64)));
    }
    if (r.nextBoolean()) { // a well-formed start, the common case, with its padding
      byte[] raw = new byte[r.nextInt(20)];
      r.nextBytes(raw);
      sb.insert(0, Base64.getEncoder().encodeToString(raw));
    }
    return sb.toString();
  }
}

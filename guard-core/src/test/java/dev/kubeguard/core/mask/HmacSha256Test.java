package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Tokens must stay the HMAC-SHA256 the JDK computes: the same key keeps masking to the same tokens. */
class HmacSha256Test {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void matchesRfc4231() {
    byte[] key131 = filled(131, 0xaa);
    assertMac(filled(20, 0x0b), ascii("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertMac(ascii("Jefe"), ascii("what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertMac(filled(20, 0xaa), filled(50, 0xdd), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    assertMac(HEX.parseHex("0102030405060708090a0b0c0d0e0f10111213141516171819"), filled(50, 0xcd),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    assertMac(key131, ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assertMac(key131, ascii("This is a test using a larger than block-size key and a larger than block-size data."
            + " The key needs to be hashed before being used by the HMAC algorithm."),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }

  @Test
  void givesWhatTheJdksMacGivesForAnyKeyAndMessageFedInAnyPieces() {
    qt().withExamples(2000)
        .forAll(longs().all())
        .checkAssert(seed -> {
          Random r = new Random(seed);
          byte[] key = new byte[1 + r.nextInt(r.nextBoolean() ? 64 : 200)];
          r.nextBytes(key);
          HmacSha256 ours = new HmacSha256(key);
          Mac jdk = jdkMac(key);
          for (int round = 0; round < 3; round++) { // each doFinal starts the next message afresh
            byte[] message = new byte[r.nextInt(r.nextBoolean() ? 80 : 400)];
            r.nextBytes(message);
            for (int at = 0; at < message.length; ) {
              int n = Math.min(message.length - at, 1 + r.nextInt(70));
              ours.update(message, at, n);
              at += n;
            }
            int off = r.nextInt(5);
            byte[] out = new byte[off + HmacSha256.LENGTH + 2];
            ours.doFinal(out, off);
            assertThat(Arrays.copyOfRange(out, off, off + HmacSha256.LENGTH))
                .as("key %d bytes, message %d bytes, round %d", key.length, message.length, round)
                .isEqualTo(jdk.doFinal(message));
          }
        });
  }

  @Test
  void maskTokensAreTheJdksHmacOfTheValue() throws Exception {
    byte[] key = ascii("0123456789abcdef0123456789abcdef");
    MaskTokens tokens = new MaskTokens(new SecretKeySpec(key, "HmacSHA256"));
    byte[] value = ascii("S3cr3t-Pa55w0rd!");
    String want = MaskTokens.PREFIX + HEX.formatHex(Arrays.copyOf(jdkMac(key).doFinal(value), 8));
    assertThat(tokens.ofBytes(value, 0, value.length)).isEqualTo(want);
    tokens.update(value, 0, 5);
    tokens.update(value, 5, value.length - 5);
    assertThat(tokens.finish()).as("a token made piecewise").isEqualTo(want);
  }

  private static void assertMac(byte[] key, byte[] data, String hex) {
    byte[] out = new byte[HmacSha256.LENGTH];
    HmacSha256 m = new HmacSha256(key);
    m.update(data, 0, data.length);
    m.doFinal(out, 0);
    assertThat(HEX.formatHex(out)).isEqualTo(hex);
  }

  private static Mac jdkMac(byte[] key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] filled(int n, int b) {
    byte[] a = new byte[n];
    Arrays.fill(a, (byte) b);
    return a;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

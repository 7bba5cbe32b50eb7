package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The masker writes tokens straight from the parser's chars into its output; those bytes must be
 * the very tokens the String methods give (the same secret masks to the same token everywhere:
 * in a response, in the audit trail, and where a write is checked for the Guard's own tokens).
 */
class MaskTokensTest {

  private static final MaskTokens.Keyed KEY =
      new MaskTokens.Keyed(new SecretKeySpec("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));

  /** Text of any kind: ASCII, Latin-1, CJK, paired and lone surrogates, base64 and not. */
  private static String text(long seed, int length) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    String b64 = Base64.getEncoder().encodeToString(("v" + seed).getBytes(StandardCharsets.UTF_8));
    if (r.nextInt(3) == 0) {
      return r.nextBoolean() ? b64 : b64.substring(0, Math.max(1, b64.length() - 1 - r.nextInt(2)));
    }
    for (int i = 0; i < length; i++) {
      switch (r.nextInt(7)) {
        case 0 -> sb.append((char) (0x20 + r.nextInt(0x5f)));
        case 1 -> sb.append((char) (0x80 + r.nextInt(0x80)));
        case 2 -> sb.append((char) (0x4e00 + r.nextInt(0x500)));
        case 3 -> sb.appendCodePoint(0x1F600 + r.nextInt(0x40));
        case 4 -> sb.append((char) (0xD800 + r.nextInt(0x800))); // a lone surrogate
        case 5 -> sb.append(b64, 0, Math.min(b64.length(), 1 + r.nextInt(8)));
        default -> sb.append("\r\n=/+".charAt(r.nextInt(5)));
      }
    }
    return sb.toString();
  }

  private static String textInto(MaskTokens t, String s, int at) {
    byte[] dst = new byte[at + MaskTokens.LENGTH + 3];
    int end = t.textInto(padded(s), 2, s.length(), dst, at);
    assertThat(end - at).isEqualTo(MaskTokens.LENGTH);
    return new String(dst, at, end - at, StandardCharsets.US_ASCII);
  }

  private static String base64Into(MaskTokens t, String s, int at) {
    byte[] dst = new byte[at + MaskTokens.BASE64_LENGTH + 3];
    int end = t.base64Into(padded(s), 2, s.length(), dst, at);
    assertThat(end - at).isEqualTo(MaskTokens.BASE64_LENGTH);
    return new String(dst, at, end - at, StandardCharsets.US_ASCII);
  }

  /** A base64 field's token by the rule, with the JDK's own decoder and encoder on Strings. */
  private static String base64TokenByTheJdk(MaskTokens t, String s) {
    byte[] raw;
    try {
      raw = Base64.getMimeDecoder().decode(s);
    } catch (IllegalArgumentException notBase64) {
      raw = s.getBytes(StandardCharsets.UTF_8);
    }
    return Base64.getEncoder().encodeToString(t.ofBytes(raw, 0, raw.length).getBytes(StandardCharsets.US_ASCII));
  }

  /** The text inside a larger char array, as the parser hands it over. */
  private static char[] padded(String s) {
    char[] c = new char[s.length() + 4];
    c[0] = 'x';
    c[1] = '"';
    s.getChars(0, s.length(), c, 2);
    c[c.length - 2] = '"';
    c[c.length - 1] = 'y';
    return c;
  }

  @Test
  void tokensWrittenFromCharsAreTheTokensOfTheStrings() {
    MaskTokens tokens = new MaskTokens(KEY);
    qt().withExamples(2000)
        .forAll(longs().all(), integers().between(0, 120), integers().between(0, 5))
        .checkAssert((seed, length, at) -> {
          String s = text(seed, length);
          assertThat(textInto(tokens, s, at)).as("text token of %s", s).isEqualTo(tokens.ofText(s));
          assertThat(base64Into(tokens, s, at)).as("base64 token of %s", s).isEqualTo(base64TokenByTheJdk(tokens, s));
          assertThat(tokens.base64Of(s)).isEqualTo(base64TokenByTheJdk(tokens, s));
        });
  }

  @Test
  void tokensThatKeepTheirHmacGiveValueAfterValueWhatFreshTokensGive() {
    // the kept HMAC is reused for every value of every body its parts mask: one left fed with the
    // last value, or shared with a piecewise token in progress, would change every later token
    MaskTokens kept = MaskTokens.kept(KEY);
    byte[] pemStart = "-----BEGIN PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
    kept.update(pemStart, 0, pemStart.length);
    qt().withExamples(2000)
        .forAll(longs().all(), integers().between(0, 120), integers().between(0, 5))
        .checkAssert((seed, length, at) -> {
          String s = text(seed, length);
          MaskTokens fresh = new MaskTokens(KEY);
          assertThat(textInto(kept, s, at)).as("text token of %s", s).isEqualTo(fresh.ofText(s));
          assertThat(base64Into(kept, s, at)).as("base64 token of %s", s).isEqualTo(fresh.base64Of(s));
          assertThat(kept.ofText(s)).isEqualTo(fresh.ofText(s));
        });
    assertThat(kept.finish()).as("the piecewise token fed before them all")
        .isEqualTo(new MaskTokens(KEY).ofBytes(pemStart, 0, pemStart.length));
  }

  @Test
  void aPiecewiseTokenIsNotDisturbedByOneShotTokensOnTheSameThread() {
    MaskTokens pem = new MaskTokens(KEY);
    MaskTokens other = new MaskTokens(KEY);
    byte[] a = "-----BEGIN PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n".getBytes(StandardCharsets.US_ASCII);
    byte[] whole = new byte[a.length + b.length];
    System.arraycopy(a, 0, whole, 0, a.length);
    System.arraycopy(b, 0, whole, a.length, b.length);

    pem.update(a, 0, a.length);
    String between = other.ofText("password123"); // another stream's token, same thread, meanwhile
    pem.update(b, 0, b.length);

    assertThat(pem.finish()).isEqualTo(new MaskTokens(KEY).ofBytes(whole, 0, whole.length));
    assertThat(between).isEqualTo(new MaskTokens(KEY).ofText("password123"));
  }

  @Test
  void threadsMakingTokensAtOnceEachGetTheRightOnes() throws Exception {
    String expected = new MaskTokens(KEY).ofText("s3cr3t");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> all = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Callable<Boolean> job = () -> {
          MaskTokens mine = new MaskTokens(KEY);
          char[] c = "s3cr3t".toCharArray();
          byte[] dst = new byte[MaskTokens.LENGTH];
          for (int i = 0; i < 20_000; i++) {
            mine.textInto(c, 0, c.length, dst, 0);
            if (!new String(dst, StandardCharsets.US_ASCII).equals(expected)) {
              return false;
            }
          }
          return true;
        };
        all.add(pool.submit(job));
      }
      for (Future<Boolean> f : all) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

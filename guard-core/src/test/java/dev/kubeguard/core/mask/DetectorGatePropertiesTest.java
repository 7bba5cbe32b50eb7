package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The cheap scan that decides which detectors run ({@link ValueDetectors#mightContain}) never
 * keeps a detector from masking what it would mask: on strings built from the pieces secrets and
 * their neighbours are made of (keywords, separators, schemes, vendor prefixes, credentials, and
 * letters outside ASCII next to them), every detector that would mask something is among those
 * the scan chose.
 */
class DetectorGatePropertiesTest {

  private static final List<String> PIECES = List.of(
      "Bearer ", "bearer\t", "Basic ", "basic ", "Authorization: ", "authorization=", "Token ",
      "password", "Passwd", "api_key", "client-secret", "secretName", "token", "auth", "session",
      "=", ":", ":=", "=>", "\"", "'", "\\\"", " ", "\t", "\n", ",", "/", "://", "@",
      "user", "admin:", "example.com", "eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiJ4In0",
      "AKIAIOSFODNN7EXAMPLE", "AIza", "SyA1234567890abcdefghijklmnopqrstuv", "ghp_", "github_pat_",
      "glpat-", "xoxb-", "sk_live_", "rk_test_", "-----BEGIN RSA PRIVATE KEY-----",
      "-----END RSA PRIVATE KEY-----", "Q3vX9kLm2pRtZ8wYb4nHc7JdF1sGa6eUo0iVq", "hunter2", "dXNlcjpwYXNz",
      "é", "Ä", "ж", "名", "ß", "İ", "K", "ſ", "0", "x", "_");

  private static final Gen<String> TEXT = SourceDSL.lists()
      .of(Generate.pick(PIECES))
      .ofSizeBetween(1, 12)
      .map(parts -> String.join("", parts));

  private final ValueDetectors detectors = new ValueDetectors(true, List.of());
  private final MaskTokens tokens = new MaskTokens(new SecretKeySpec(new byte[32], "HmacSHA256"));

  @Test
  void theScanFlagsEveryDetectorThatWouldMaskSomething() {
    qt().withExamples(20_000).forAll(TEXT).checkAssert(s -> {
      int flagged = detectors.triggers(s.toCharArray(), 0, s.length());
      for (int bit = 0; bit < ValueDetectors.builtInCount(); bit++) {
        // each detector alone on the string as it came: chained, a token one detector wrote can
        // give the next a separator the string never had
        if (detectors.mask(s, tokens, new int[1], 1 << bit) != null) {
          assertThat(flagged & (1 << bit)).as("detector %d on %s", bit, s).isNotZero();
        }
      }
    });
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ValueDetectorsTest {

  final ValueDetectors detectors = new ValueDetectors(true, List.of());
  final MaskTokens tokens = new MaskTokens(new SecretKeySpec(new byte[32], "HmacSHA256"));

  String mask(String s) {
    String m = detectors.mask(s, tokens, new int[1], detectors.triggers(s.toCharArray(), 0, s.length()));
    return m == null ? s : m;
  }

  @Test
  void masksEachKindOfSecretItKnows() {
    for (String secret : List.of(
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl",
        "AKIAIOSFODNN7EXAMPLE",
        "AIzaSyA1234567890abcdefghijklmnopqrstuv",
        "ghp_exampleexampleexampleexample0000",
        "github_pat_11ABCDEFG0123456789_abcdefghijk",
        "glpat-abcdefghijklmnopqrst",
        "xoxb-1234567890-abcdefghij",
        "sk_live_51HcFakeExampleKey0000",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIabc\n-----END EC PRIVATE KEY-----")) {
      String out = mask("before " + secret + " after");
      assertThat(out).as(secret).doesNotContain(secret).startsWith("before kubeguard-masked:").endsWith(" after");
    }
  }

  @Test
  void masksOnlyTheSecretPartOfUrlsAndPairs() {
    assertThat(mask("https://admin:hunter2@example.com/x")).startsWith("https://admin:kubeguard-masked:").endsWith("@example.com/x");
    assertThat(mask("DB_PASSWORD=hunter2 LOG=info")).startsWith("DB_PASSWORD=kubeguard-masked:").endsWith(" LOG=info");
    assertThat(mask("{\"client_secret\": \"abc123\"}")).startsWith("{\"client_secret\": \"kubeguard-masked:").doesNotContain("abc123");
  }

  @Test
  void leavesOrdinaryStringsAloneWithoutRunningRegexes() {
    for (String s : List.of("2026-11-27T11:30:26Z", "nginx:1.27", "https://example.com/a", "LOG_LEVEL=info",
        "registry.example.com/shop/web@sha256:0f3b", "kubernetes.io/service-account-token")) {
      assertThat(ValueDetectors.mightContain(s.toCharArray(), 0, s.length())).as(s).isZero();
      assertThat(mask(s)).isEqualTo(s);
    }
  }

  @Test
  void neverMasksATokenTwice() {
    String once = mask("password=hunter2");
    assertThat(mask(once)).isEqualTo(once);
  }
}

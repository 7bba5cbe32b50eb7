package dev.kubeguard.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestDigestTest {

  private static final Identity BOB = Identity.of("bob", "dev");

  private static KubeRequest req(String method, String uri, String body) {
    return KubeRequest.of(method, uri, Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDeleteWithDeleteOptionsDigestsAndKeyOrderDoesNotMatter() {
    String a = RequestDigest.of(BOB, req("DELETE", "/api/v1/namespaces/p/pods/x",
        "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Background\"}"));
    String b = RequestDigest.of(BOB, req("DELETE", "/api/v1/namespaces/p/pods/x",
        "{\"propagationPolicy\":\"Background\", \"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"}"));
    assertThat(a).hasSize(64).isEqualTo(b);
  }

  @Test
  void anythingTheServerWouldServeDifferentlyDigestsDifferently() {
    String base = RequestDigest.of(BOB, req("DELETE", "/api/v1/namespaces/p/pods/x", "{\"gracePeriodSeconds\":0}"));
    assertThat(RequestDigest.of(BOB, req("DELETE", "/api/v1/namespaces/p/pods/x", "{\"gracePeriodSeconds\":30}"))).isNotEqualTo(base);
    assertThat(RequestDigest.of(BOB, req("DELETE", "/api/v1/namespaces/p/pods/y", "{\"gracePeriodSeconds\":0}"))).isNotEqualTo(base);
    assertThat(RequestDigest.of(BOB, req("POST", "/api/v1/namespaces/p/pods/x", "{\"gracePeriodSeconds\":0}"))).isNotEqualTo(base);
    assertThat(RequestDigest.of(Identity.of("eve", "dev"), req("DELETE", "/api/v1/namespaces/p/pods/x", "{\"gracePeriodSeconds\":0}"))).isNotEqualTo(base);
    assertThat(RequestDigest.of(BOB, req("DELETE", "/api/v1/namespaces/p/pods/x?dryRun=All", "{\"gracePeriodSeconds\":0}"))).isNotEqualTo(base);
    // Duplicate keys may be read differently by servers: such bodies are taken byte for byte.
    assertThat(RequestDigest.of(BOB, req("DELETE", "/api/v1/namespaces/p/pods/x", "{\"gracePeriodSeconds\":1,\"gracePeriodSeconds\":0}"))).isNotEqualTo(base);
  }

  @Test
  void queryParameterOrderAcrossNamesDoesNotMatterButValueOrderDoes() {
    assertThat(RequestDigest.of(BOB, req("GET", "/api/v1/pods?a=1&b=2", null)))
        .isEqualTo(RequestDigest.of(BOB, req("GET", "/api/v1/pods?b=2&a=1", null)));
    assertThat(RequestDigest.of(BOB, req("GET", "/api/v1/pods?a=1&a=2", null)))
        .isNotEqualTo(RequestDigest.of(BOB, req("GET", "/api/v1/pods?a=2&a=1", null)));
  }

  @Test
  void anyBodyDigestsWithoutThrowing() {
    qt().withExamples(300).forAll(strings().allPossible().ofLengthBetween(0, 200), integers().between(0, 3))
        .checkAssert((body, m) -> assertThat(RequestDigest.of(BOB,
            req(new String[] {"POST", "PUT", "PATCH", "DELETE"}[m], "/api/v1/namespaces/a/configmaps/c", body))).hasSize(64));
  }
}

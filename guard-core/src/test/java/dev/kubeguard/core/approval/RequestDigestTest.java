package dev.kubeguard.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

  private static KubeRequest withHeaders(String method, String uri, Map<String, List<String>> headers, String body) {
    return KubeRequest.of(method, uri, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private static final String DEPLOYMENT = "/apis/apps/v1/namespaces/prod/deployments/web";

  @Test
  void aMergePatchAndAStrategicMergePatchOfTheSameBytesDigestDifferently() {
    String body = "{\"spec\":{\"replicas\":0}}";
    assertThat(RequestDigest.of(BOB, withHeaders("PATCH", DEPLOYMENT,
        Map.of("Content-Type", List.of("application/merge-patch+json")), body)))
        .isNotEqualTo(RequestDigest.of(BOB, withHeaders("PATCH", DEPLOYMENT,
            Map.of("Content-Type", List.of("application/strategic-merge-patch+json")), body)));
  }

  @Test
  void everyImpersonationHeaderIsBound() {
    String plain = RequestDigest.of(BOB, req("DELETE", DEPLOYMENT, null));
    for (String header : List.of("Impersonate-User", "Impersonate-Group", "Impersonate-Uid", "Impersonate-Extra-Scopes")) {
      assertThat(RequestDigest.of(BOB, withHeaders("DELETE", DEPLOYMENT, Map.of(header, List.of("admin")), null)))
          .as(header).isNotEqualTo(plain);
    }
    assertThat(RequestDigest.of(BOB, withHeaders("DELETE", DEPLOYMENT, Map.of("Impersonate-Extra-Scopes", List.of("a")), null)))
        .isNotEqualTo(RequestDigest.of(BOB, withHeaders("DELETE", DEPLOYMENT, Map.of("Impersonate-Extra-Reason", List.of("a")), null)));
  }

  @Test
  void anUpgradeAndItsStreamProtocolAreBound() {
    String exec = "/api/v1/namespaces/p/pods/x/exec?command=sh";
    String plain = RequestDigest.of(BOB, req("GET", exec, null));
    String upgraded = RequestDigest.of(BOB, withHeaders("GET", exec,
        Map.of("Connection", List.of("Upgrade"), "Upgrade", List.of("websocket")), null));
    assertThat(upgraded).isNotEqualTo(plain);
    assertThat(RequestDigest.of(BOB, withHeaders("GET", exec, Map.of("Connection", List.of("Upgrade"),
        "Upgrade", List.of("websocket"), "Sec-WebSocket-Protocol", List.of("v5.channel.k8s.io")), null)))
        .isNotEqualTo(upgraded);
  }

  @Test
  void headersThatOnlyShapeTheAnswerAreNotBound() {
    String plain = RequestDigest.of(BOB, req("GET", "/api/v1/pods", null));
    assertThat(RequestDigest.of(BOB, withHeaders("GET", "/api/v1/pods", Map.of(
        "Accept", List.of("application/json;as=Table;v=v1;g=meta.k8s.io"),
        "User-Agent", List.of("kubectl/v1.28"),
        "Accept-Encoding", List.of("gzip"),
        "Connection", List.of("keep-alive")), null))).isEqualTo(plain);
  }

  @Test
  void headerNameCaseAndMediaTypeSpellingDoNotMatter() {
    String body = "{}";
    assertThat(RequestDigest.of(BOB, withHeaders("PATCH", DEPLOYMENT,
        Map.of("content-type", List.of("application/merge-patch+json; charset=utf-8")), body)))
        .isEqualTo(RequestDigest.of(BOB, withHeaders("PATCH", DEPLOYMENT,
            Map.of("Content-Type", List.of("Application/Merge-Patch+JSON;Charset=utf-8")), body)));
  }

  @Test
  void addingAnyBoundHeaderWithAnyValueChangesTheDigest() {
    List<String> bound = List.of("Content-Type", "Content-Encoding", "Impersonate-User",
        "Impersonate-Group", "Impersonate-Uid", "Impersonate-Extra-X", "Upgrade", "X-Stream-Protocol-Version",
        "Sec-WebSocket-Protocol");
    String plain = RequestDigest.of(BOB, req("POST", "/api/v1/namespaces/a/configmaps", "{}"));
    qt().withExamples(300).forAll(integers().between(0, bound.size() - 1), strings().allPossible().ofLengthBetween(0, 40))
        .checkAssert((i, value) -> assertThat(RequestDigest.of(BOB, withHeaders("POST", "/api/v1/namespaces/a/configmaps",
            Map.of(bound.get(i), List.of(value)), "{}"))).isNotEqualTo(plain));
  }
}

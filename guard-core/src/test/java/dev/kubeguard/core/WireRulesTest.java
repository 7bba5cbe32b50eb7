package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kubeguard.api.KubeRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;

class WireRulesTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "/api/v1/namespaces/shop/pods/..", "/api/v1/namespaces/shop/pods/.", "/api/v1/namespaces/shop/pods/x/../../../kube-system/secrets/db",
      "/api/v1/./namespaces", "/api/v1/namespaces/shop/pods/%2e%2e", "/api/v1/namespaces/shop/pods/%2E", "/api/v1/namespaces/shop/pods/.%2e",
      "/api/v1/namespaces/shop/pods/%2e.", "/..", "/api/v1/namespaces/shop/pods/../"})
  void refusesEveryDotSegmentAClientWouldResolve(String path) {
    assertThat(WireRules.rewrittenByClients(KubeRequest.of("GET", path))).contains("'.' or '..'");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/api/v1/namespaces/shop/pods/...", "/api/v1/namespaces/shop/pods/.hidden", "/api/v1/namespaces/shop/pods/a..b",
      "/api/v1/namespaces/shop/pods/%252e%252e", "/api/v1/namespaces/shop/pods/x%2F..", "/api/v1/namespaces//pods", "/api/v1/",
      "/api/v1/namespaces/shop/pods/%2e%2e%2e", "/"})
  void keepsPathsWithoutADotSegment(String path) {
    assertThat(WireRules.rewrittenByClients(KubeRequest.of("GET", path))).isNull();
  }

  @Test
  void aSegmentIsRefusedExactlyWhenItReadsAsOneOrTwoDotsOnceItsDotsAreDecoded() {
    Gen<String> piece = integers().between(0, 5).map(i -> List.of(".", "%2e", "%2E", "a", "%2F", "%25").get(i));
    Gen<String> segment = lists().of(piece).ofSizeBetween(0, 4).map(l -> String.join("", l));
    qt().withExamples(2000).forAll(lists().of(segment).ofSizeBetween(1, 5)).checkAssert(segments -> {
      String path = "/" + String.join("/", segments);
      boolean expected = segments.stream().map(s -> s.replace("%2e", ".").replace("%2E", "."))
          .anyMatch(s -> s.equals(".") || s.equals(".."));
      assertThat(WireRules.rewrittenByClients(KubeRequest.of("GET", path)) != null).as(path).isEqualTo(expected);
      // What a server reads after one decoding agrees whenever no %2F splits a segment.
      if (!path.contains("%2F") && !path.contains("%25")) {
        String decoded = URLDecoder.decode(path, StandardCharsets.UTF_8);
        boolean dotted = List.of(decoded.split("/", -1)).stream().anyMatch(s -> s.equals(".") || s.equals(".."));
        assertThat(expected).as(path).isEqualTo(dotted);
      }
    });
  }

  @Test
  void refusesARawQuoteInTheQueryWhichOkHttpReencodesButKeepsItsEncodedForm() {
    assertThat(WireRules.rewrittenByClients(KubeRequest.of("GET", "/api/v1/namespaces/shop/configmaps?q='a'"))).contains("%27");
    assertThat(WireRules.rewrittenByClients(KubeRequest.of("GET", "/api/v1/namespaces/shop/configmaps?q=%27a%27"))).isNull();
    assertThat(WireRules.rewrittenByClients(KubeRequest.of("GET", "/api/v1/namespaces/shop/configmaps"))).isNull();
  }

  @Test
  void refusesAnEmptyQueryMarkWhichOnlySomeClientsSend() {
    assertThat(WireRules.rewrittenByClients(KubeRequest.of("GET", "/api/v1/namespaces?"))).contains("empty query");
    assertThat(WireRules.rewrittenByClients(KubeRequest.of("GET", "/api/v1/namespaces?limit=1"))).isNull();
  }
}

package dev.kubeguard.core.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.RequestInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of kube-apiserver's own requestinfo_test.go tables (TestGetAPIRequestInfo success
 * and error cases, TestGetNonAPIRequestInfo, TestSelectorParsing), transcribed into
 * {@code requestinfo-cases.json}, with every RequestInfo field checked.
 */
class RequestInfoTableTest {

  private static final RequestClassifier CLASSIFIER = RequestClassifier.standard();

  static Stream<Arguments> cases() throws IOException {
    try (InputStream in = RequestInfoTableTest.class.getResourceAsStream("/requestinfo-cases.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Arguments> out = new ArrayList<>();
      for (JsonNode c : root.get("cases")) {
        out.add(Arguments.of(c.get("source").asText(), c));
      }
      return out.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void classifiesLikeKubeApiserver(String source, JsonNode c) throws ClassificationException {
    String method = c.get("method").asText();
    String url = c.get("url").asText();
    if (c.has("expectError")) {
      assertThatThrownBy(() -> CLASSIFIER.classify(method, url))
          .isInstanceOfSatisfying(
              ClassificationException.class,
              e -> assertThat(e.httpStatus()).isEqualTo(c.get("expectError").asInt()));
      return;
    }
    JsonNode e = c.get("expect");
    List<String> parts = new ArrayList<>();
    e.get("parts").forEach(p -> parts.add(p.asText()));
    RequestInfo expected =
        new RequestInfo(
            e.get("isResourceRequest").asBoolean(),
            e.get("path").asText(),
            e.get("verb").asText(),
            e.get("apiPrefix").asText(),
            e.get("apiGroup").asText(),
            e.get("apiVersion").asText(),
            e.get("namespace").asText(),
            e.get("resource").asText(),
            e.get("subresource").asText(),
            e.get("name").asText(),
            parts,
            e.get("fieldSelector").asText(),
            e.get("labelSelector").asText());

    assertThat(CLASSIFIER.classify(method, url)).as(source + " " + method + " " + url).isEqualTo(expected);
  }

  @Test
  void transcribesEveryCaseOfTheGoTables() throws IOException {
    // 30 success + 6 error cases, 13 non-API cases, 12 selector cases in requestinfo_test.go.
    assertThat(cases().map(a -> ((String) a.get()[0]).replaceAll("\\[.*", "")))
        .filteredOn("TestGetAPIRequestInfo/successCases"::equals).hasSize(30);
    assertThat(cases().map(a -> ((String) a.get()[0]).replaceAll("\\[.*", "")))
        .filteredOn("TestGetAPIRequestInfo/errorCases"::equals).hasSize(6);
    assertThat(cases().map(a -> ((String) a.get()[0]).replaceAll("\\[.*", "")))
        .filteredOn("TestGetNonAPIRequestInfo"::equals).hasSize(13);
    assertThat(cases().map(a -> ((String) a.get()[0]).replaceAll("\\[.*", "")))
        .filteredOn("TestSelectorParsing"::equals).hasSize(12);
  }
}

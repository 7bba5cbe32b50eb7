package dev.kubeguard.opa.internal.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.RequestInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputDocumentTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

  private static AccessRequest patch(String contentType, byte[] body) {
    KubeRequest http = KubeRequest.of("PATCH", "/api/v1/namespaces/dev/configmaps/cfg?fieldManager=kubectl",
        Map.of("Content-Type", List.of(contentType)), body);
    RequestInfo info = new RequestInfo(true, "/api/v1/namespaces/dev/configmaps/cfg", "patch", "api", "", "v1",
        "dev", "configmaps", "", "cfg", List.of("configmaps", "cfg"), "", "");
    return new AccessRequest(Identity.of("alice"), http, info, Attributes.of(info), false,
        new CallContext("", "", "", T));
  }

  private static JsonNode request(AccessRequest r, int maxBody) throws Exception {
    return JSON.readTree(new InputDocument(maxBody).encode(r, false).requestBody()).path("input").path("request");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void sendsAYamlApplyPatchAsTextForYamlUnmarshal() throws Exception {
    JsonNode r = request(patch("application/apply-patch+yaml", utf8("kind: ConfigMap\ndata:\n  a: b\n")), 1024);

    assertThat(r.get("body").isNull()).isTrue();
    assertThat(r.get("bodyParseError").asText()).isEqualTo("body is not JSON");
    assertThat(r.get("bodyText").asText()).isEqualTo("kind: ConfigMap\ndata:\n  a: b\n");
    assertThat(r.get("bodyTruncated").asBoolean()).isFalse();
  }

  @Test
  void parsesAJsonApplyPatchWhateverItsContentType() throws Exception {
    JsonNode r = request(patch("application/apply-patch+yaml", utf8("{\"data\":{\"a\":\"b\"}}")), 1024);

    assertThat(r.get("body")).isEqualTo(JSON.readTree("{\"data\":{\"a\":\"b\"}}"));
    assertThat(r.has("bodyParseError")).isFalse();
    assertThat(r.has("bodyText")).isFalse();
  }

  @Test
  void leavesOutABodyOverTheBoundAndFlagsIt() throws Exception {
    JsonNode r = request(patch("application/merge-patch+json", utf8("{\"data\":{\"a\":\"0123456789\"}}")), 10);

    assertThat(r.get("body").isNull()).isTrue();
    assertThat(r.get("bodyTruncated").asBoolean()).isTrue();
    assertThat(r.get("bodyBytes").asInt()).isEqualTo(27);
    assertThat(r.has("bodyText")).isFalse();
  }

  @Test
  void flagsJsonWithADuplicateKeyInsteadOfPickingOneValue() throws Exception {
    JsonNode r = request(patch("application/merge-patch+json",
        utf8("{\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}")), 1024);

    assertThat(r.get("body").isNull()).isTrue();
    assertThat(r.get("bodyParseError").asText()).isEqualTo("body has a duplicate object key");
  }

  @Test
  void flagsTrailingDataAfterAJsonValue() throws Exception {
    JsonNode r = request(patch("application/json", utf8("{\"a\":1} {\"b\":2}")), 1024);

    assertThat(r.get("body").isNull()).isTrue();
    assertThat(r.get("bodyParseError").asText()).isEqualTo("body is not JSON");
  }

  @Test
  void sendsNeitherValueNorTextForABinaryBody() throws Exception {
    byte[] protobuf = {'k', '8', 's', 0, (byte) 0xff, (byte) 0xfe, 0x0a};
    JsonNode r = request(patch("application/vnd.kubernetes.protobuf", protobuf), 1024);

    assertThat(r.get("body").isNull()).isTrue();
    assertThat(r.has("bodyParseError")).isTrue();
    assertThat(r.has("bodyText")).isFalse();
  }

  @Test
  void writesSelectorsAsSubjectAccessReviewSelectorAttributes() throws Exception {
    AccessRequest r = AccessRequest.forAttributes(Identity.of("alice"),
        new Attributes("list", true, "", "v1", "dev", "pods", "", "", "", "spec.nodeName=n1", "app=web"),
        new CallContext("", "", "", T));

    JsonNode ra = JSON.readTree(new InputDocument(0).encode(r, false).requestBody())
        .path("input").path("spec").path("resourceAttributes");

    assertThat(ra).isEqualTo(JSON.readTree("""
        {"namespace": "dev", "verb": "list", "version": "v1", "resource": "pods",
         "fieldSelector": {"rawSelector": "spec.nodeName=n1"},
         "labelSelector": {"rawSelector": "app=web"}}"""));
  }

  @Test
  void writesNonResourceAttributesForANonResourceQuestion() throws Exception {
    AccessRequest r = AccessRequest.forAttributes(Identity.of("alice"), Attributes.nonResource("get", "/healthz"),
        new CallContext("", "", "", T));

    JsonNode spec = JSON.readTree(new InputDocument(0).encode(r, false).requestBody()).path("input").path("spec");

    assertThat(spec).isEqualTo(JSON.readTree("""
        {"nonResourceAttributes": {"path": "/healthz", "verb": "get"}, "user": "alice"}"""));
  }

  @Test
  void cacheKeyIgnoresTheTimeButNotTheQuestion() throws Exception {
    InputDocument doc = new InputDocument(1024);
    AccessRequest a = patch("application/json", utf8("{}"));
    AccessRequest later = new AccessRequest(a.identity(), a.request(), a.info(), a.attributes(), false,
        new CallContext("", "", "", T.plusSeconds(60)));
    AccessRequest other = a.withAttributes(a.attributes().withVerb("update"));

    byte[] key = doc.encode(a, true).cacheKey();

    assertThat(doc.encode(later, true).cacheKey()).isEqualTo(key);
    assertThat(doc.encode(other, true).cacheKey()).isNotEqualTo(key);
    assertThat(new String(key, StandardCharsets.UTF_8)).doesNotContain("2026-01-02");
    assertThat(doc.encode(a, false).cacheKey()).isNull();
  }
}

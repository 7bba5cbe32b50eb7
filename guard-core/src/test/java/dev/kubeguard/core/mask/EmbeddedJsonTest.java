package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Any string holding JSON is masked inside, at any depth; a Secret manifest in text never leaks. */
class EmbeddedJsonTest {

  static final DefaultMasker MASKER = Masking.masker();
  static final String B64 = "aHVudGVyMg=="; // hunter2

  static String mask(String json) throws Exception {
    return Masking.mask(MASKER, "default", "application/json", json.getBytes(StandardCharsets.UTF_8)).text();
  }

  static String quote(String s) throws Exception {
    return MaskedOutput.JSON.writeValueAsString(s);
  }

  @Test
  void masksASecretManifestHeldAsJsonInAConfigMapValue() throws Exception {
    String secret = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"data\":{\"p\":\"" + B64 + "\"}}";
    String out = mask("{\"kind\":\"ConfigMap\",\"data\":{\"manifest.json\":" + quote(secret) + "}}");
    assertThat(out).doesNotContain(B64);
    JsonNode inner = MaskedOutput.JSON.readTree(MaskedOutput.JSON.readTree(out).at("/data/manifest.json").asText());
    assertThat(inner.at("/metadata/name").asText()).isEqualTo("db");
    assertThat(MaskedOutput.isMask(inner.at("/data/p").asText())).isTrue();
  }

  @Test
  void masksJsonHoldingJsonHoldingJson() throws Exception {
    String level3 = "{\"kind\":\"Widget\",\"spec\":{\"password\":\"deep-secret-3\"}}";
    String level2 = "{\"kind\":\"Widget\",\"spec\":{\"config\":" + quote(level3) + "}}";
    String level1 = "{\"kind\":\"Widget\",\"spec\":{\"config\":" + quote(level2) + "}}";
    String out = mask("{\"kind\":\"ConfigMap\",\"data\":{\"a\":" + quote(level1) + "}}");
    assertThat(out).doesNotContain("deep-secret-3").contains("kubeguard-masked:");
  }

  @Test
  void masksAYamlSecretManifestInTextWhole() throws Exception {
    String yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  p: " + B64 + "\n";
    String out = mask("{\"kind\":\"ConfigMap\",\"data\":{\"secret.yaml\":" + quote(yaml) + ",\"other\":\"kind: Deployment\"}}");
    assertThat(out).doesNotContain(B64);
    JsonNode tree = MaskedOutput.JSON.readTree(out);
    assertThat(tree.at("/data/secret.yaml").asText()).matches("kubeguard-masked:[0-9a-f]{16}");
    assertThat(tree.at("/data/other").asText()).isEqualTo("kind: Deployment");
  }

  @Test
  void masksWholeAStringThatLooksLikeJsonButDoesNotParseOrIsTooLarge() throws Exception {
    String out = mask("{\"kind\":\"ConfigMap\",\"data\":{\"a\":\"{\\\"password\\\": \\\"pw\\\" oops\"}}");
    assertThat(MaskedOutput.JSON.readTree(out).at("/data/a").asText()).matches("kubeguard-masked:[0-9a-f]{16}");
    DefaultMasker small = DefaultMasker.builder().key(Masking.KEY).maxEmbeddedBytes(16).build();
    String big = "{\"kind\":\"Widget\",\"spec\":{\"x\":" + quote("{\"a\":\"" + "b".repeat(40) + "\"}") + "}}";
    String masked = Masking.mask(small, "default", "application/json", big.getBytes()).text();
    assertThat(MaskedOutput.JSON.readTree(masked).at("/spec/x").asText()).matches("kubeguard-masked:[0-9a-f]{16}");
  }

  @Test
  void keepsTheBytesOfEmbeddedJsonWithNothingToMask() throws Exception {
    String applied = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":3, \"x\":\"\\u00e9\"}}\n";
    String body = "{\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
        + "\"{\\\"spec\\\":{\\\"replicas\\\":3},\\\"apiVersion\\\":\\\"apps/v1\\\",\\\"kind\\\":\\\"Deployment\\\"}\\n\","
        + "\"note\":" + quote(applied) + "}}}";
    assertThat(mask(body)).isEqualTo(body);
  }
}

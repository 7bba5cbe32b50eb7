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

  @Test
  void aStringHoldingMoreThanOneJsonValueOrTextAfterOneIsMaskedWhole() throws Exception {
    for (String held : new String[] {"{\"a\":1} {\"password\":\"pw-2\"}", "[1] [\"pw-3\"]", "{\"a\":\"pw-4\"} trailing"}) {
      String out = mask("{\"kind\":\"ConfigMap\",\"data\":{\"a\":" + quote(held) + "}}");
      assertThat(MaskedOutput.JSON.readTree(out).at("/data/a").asText()).as(held).matches("kubeguard-masked:[0-9a-f]{16}");
    }
  }

  @Test
  void everyEmbeddedValueOfALongBodyIsMaskedInPlaceEvenAfterABrokenOne() throws Exception {
    // One parser reads the JSON held in every string of a body, one value after another: its
    // offsets must stay right across values, and a value it failed on must not spoil the next.
    StringBuilder list = new StringBuilder("{\"kind\":\"SecretList\",\"items\":[");
    for (int i = 0; i < 60; i++) {
      String applied = i % 7 == 3
          ? "{\"kind\":\"Secret\",\"stringData\":{\"password\":\"cut-" + i + "\""
          : "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s" + i
              + "\"},\"stringData\":{\"password\":\"pw-" + i + "-x\",\"username\":\"u" + i + "\"}}\n";
      list.append(i == 0 ? "" : ",").append("{\"kind\":\"Secret\",\"metadata\":{\"name\":\"s").append(i)
          .append("\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":").append(quote(applied))
          .append("}},\"data\":{\"password\":\"").append(java.util.Base64.getEncoder().encodeToString(("pw-" + i + "-x").getBytes()))
          .append("\"}}");
    }
    String out = mask(list.append("]}").toString());
    JsonNode items = MaskedOutput.JSON.readTree(out).path("items");
    MaskTokens tokens = new MaskTokens(new javax.crypto.spec.SecretKeySpec(Masking.KEY, "HmacSHA256"));
    for (int i = 0; i < 60; i++) {
      assertThat(out).doesNotContain("pw-" + i + "-x").doesNotContain("cut-" + i);
      String applied = items.get(i).at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration").asText();
      if (i % 7 == 3) {
        assertThat(applied).as("item %d, cut", i).matches("kubeguard-masked:[0-9a-f]{16}");
      } else {
        JsonNode inner = MaskedOutput.JSON.readTree(applied);
        assertThat(inner.at("/metadata/name").asText()).as("item %d", i).isEqualTo("s" + i);
        assertThat(inner.at("/stringData/username").asText()).isEqualTo(tokens.ofText("u" + i));
        assertThat(inner.at("/stringData/password").asText()).as("item %d", i).isEqualTo(tokens.ofText("pw-" + i + "-x"));
      }
    }
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Odd or hostile server output fails closed or is masked, never leaked. */
class HostileOutputTest {

  static final DefaultMasker MASKER = Masking.masker();
  static final String B64 = "aHVudGVyMg==";

  static String mask(String json) throws Exception {
    return Masking.mask(MASKER, "default", "application/json", json.getBytes(StandardCharsets.UTF_8)).text();
  }

  @Test
  void withholdsAnObjectWithDuplicateKeys() {
    for (String body : List.of(
        "{\"kind\":\"ConfigMap\",\"kind\":\"Secret\",\"data\":{\"p\":\"" + B64 + "\"}}",
        "{\"kind\":\"Secret\",\"data\":{\"p\":\"" + B64 + "\"},\"data\":{\"q\":\"" + B64 + "\"}}",
        "{\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"env\":[{\"name\":\"DB_PASSWORD\",\"name\":\"MODE\",\"value\":\"x\"}]}]}}")) {
      List<String> emitted = new ArrayList<>();
      assertThatThrownBy(() -> {
            var s = MASKER.open(new MaskingContext("default", "application/json", Masking.request("get", "secrets", "")),
                c -> emitted.add(StandardCharsets.UTF_8.decode(c).toString()));
            s.write(java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
            s.finish();
          })
          .isInstanceOf(MaskingException.class)
          .hasMessageContaining("duplicate key")
          .hasMessageContaining("withheld");
      assertThat(String.join("", emitted)).doesNotContain(B64);
    }
  }

  @Test
  void masksABodyThatStartsWithAByteOrderMarkExactlyWhereItsSecretsAre() throws Exception {
    // Jackson's offsets leave a BOM out: spliced by them, each masked value moved 3 bytes left,
    // leaving its last 3 bytes in clear and the JSON broken
    String json = "{\"kind\":\"Secret\",\"data\":{\"password\":\"c3VwZXJzZWNyZXQ=\",\"user\":\"" + B64 + "\"},\"x\":1}";
    byte[] body = ("\uFEFF" + json).getBytes(StandardCharsets.UTF_8);
    for (int seed = 0; seed < 50; seed++) {
      String out = Masking.mask(MASKER, "default", "application/json", body, new java.util.Random(seed)).text();
      assertThat(out).as("seed %d", seed)
          .startsWith("\uFEFF{\"kind\":\"Secret\",\"data\":{\"password\":\"")
          .endsWith("\"},\"x\":1}")
          .doesNotContain("c3VwZXJzZWNyZXQ=", "ZXQ=", B64, "Mg==");
      assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(1)).at("/data/user").asText())
          .as("the token's base64, whole").hasSize(MaskTokens.BASE64_LENGTH)
          .startsWith(java.util.Base64.getEncoder().encodeToString(MaskTokens.PREFIX.getBytes(StandardCharsets.US_ASCII)).substring(0, 20));
    }
  }

  @Test
  void masksAListItemWhoseSecretKindComesAfterItsData() throws Exception {
    for (String list : List.of("List", "ConfigMapList")) {
      String out = mask("{\"kind\":\"" + list + "\",\"items\":[{\"data\":{\"LOG_LEVEL\":\"" + B64 + "\"},\"kind\":\"Secret\"}]}");
      assertThat(out).as(list).doesNotContain(B64).contains("\"kind\":\"Secret\"");
    }
  }

  @Test
  void treatsASecretKindPaddedWithSpacesOrInvisibleCharactersAsASecret() throws Exception {
    for (String kind : List.of(" Secret", "Secret ", "\\tSecret", "Secret\\u200b", "Se\\u00adcret")) {
      assertThat(mask("{\"kind\":\"" + kind + "\",\"data\":{\"LOG_LEVEL\":\"" + B64 + "\"}}")).as(kind).doesNotContain(B64);
    }
  }

  @Test
  void masksABinaryDataFieldThatNoRealSecretHas() throws Exception {
    // kube-apiserver never sends it, but a client reading the object generically would show it
    assertThat(mask("{\"kind\":\"Secret\",\"binaryData\":{\"x\":\"" + B64 + "\"}}")).doesNotContain(B64);
    assertThat(mask("{\"binaryData\":{\"x\":\"" + B64 + "\"},\"kind\":\"Secret\"}")).doesNotContain(B64);
  }

  @Test
  void treatsSecretKindsInAnyCaseAsSecrets() throws Exception {
    for (String kind : List.of("secret", "SECRET", "sEcReT")) {
      assertThat(mask("{\"kind\":\"" + kind + "\",\"data\":{\"LOG_LEVEL\":\"" + B64 + "\"}}")).doesNotContain(B64);
      assertThat(mask("{\"kind\":\"" + kind + "List\",\"items\":[{\"data\":{\"a\":\"" + B64 + "\"}}]}")).doesNotContain(B64);
    }
  }

  @Test
  void withholdsATextBodyForAResourceThatAnswersJson() {
    for (String[] r : List.of(new String[] {"secrets", ""}, new String[] {"configmaps", ""}, new String[] {"pods", "status"})) {
      assertThatThrownBy(() -> MASKER.open(
              new MaskingContext("default", "text/plain; charset=utf-8", Masking.request("get", r[0], r[1])), c -> {}))
          .as(r[0] + "/" + r[1])
          .isInstanceOf(MaskingException.class)
          .hasMessageContaining("withheld");
    }
  }

  @Test
  void readsTextForLogsExecAttachAndNonResourceUrls() throws Exception {
    for (String[] r : List.of(new String[] {"pods", "log"}, new String[] {"pods", "exec"}, new String[] {"pods", "attach"},
        new String[] {"nodes", "log"})) {
      MASKER.open(new MaskingContext("default", "text/plain", Masking.request("get", r[0], r[1])), c -> {}).finish();
    }
    for (String path : List.of("/healthz", "/metrics", "/version", "/openapi/v2")) {
      AccessRequest req = AccessRequest.forAttributes(Identity.of("alice"), Attributes.nonResource("get", path), CallContext.now());
      MASKER.open(new MaskingContext("default", "text/plain", req), c -> {}).finish();
    }
  }
}

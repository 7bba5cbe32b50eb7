package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.kubeguard.api.KubeRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaskedWritesTest {

  private static final String SECRET = "/api/v1/namespaces/shop/secrets/db-creds";
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** A token as the real masker writes it: a Secret read through the default masker. */
  private static final String TOKEN;
  private static final String BASE64_TOKEN;

  static {
    try {
      String masked = Masking.mask(Masking.masker(), "default", "application/json",
          "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"},\"stringData\":{\"user\":\"hunter2\"}}"
              .getBytes(StandardCharsets.UTF_8)).text();
      BASE64_TOKEN = masked.replaceAll("(?s).*\"password\":\"([^\"]+)\".*", "$1");
      TOKEN = masked.replaceAll("(?s).*\"user\":\"([^\"]+)\".*", "$1");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static KubeRequest write(String method, String contentType, String body) {
    return KubeRequest.of(method, SECRET, Map.of("Content-Type", List.of(contentType)), body.getBytes(StandardCharsets.UTF_8));
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theTokensUnderTestAreTheMaskersOwn() {
    assertThat(TOKEN).matches("kubeguard-masked:[0-9a-f]{16}");
    assertThat(new String(Base64.getDecoder().decode(BASE64_TOKEN), StandardCharsets.US_ASCII)).matches("kubeguard-masked:[0-9a-f]{16}");
  }

  @Test
  void jsonUpdateOfSecretDataHoldingBase64OfATokenNamesTheField() {
    MaskedWrites.Finding f = MaskedWrites.find(write("PUT", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db-creds\",\"labels\":{\"tier\":\"db\"}},"
            + "\"data\":{\"password\":\"" + BASE64_TOKEN + "\",\"user\":\"YWRtaW4=\"}}"));

    assertThat(f).isNotNull();
    assertThat(f.fields()).containsExactly("data.password");
  }

  @Test
  void jsonCreateOfAConfigMapHoldingAPlainTokenNamesTheField() {
    MaskedWrites.Finding f = MaskedWrites.find(write("POST", "application/json",
        "{\"kind\":\"ConfigMap\",\"data\":{\"db_password\":\"" + TOKEN + "\",\"tls.key\":\"x " + TOKEN + "\",\"mode\":\"fast\"}}"));

    assertThat(f.fields()).containsExactly("data.db_password", "data[tls.key]");
  }

  @ParameterizedTest(name = "{0} bytes before the token")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void base64OfATokenIsFoundAtEveryByteAlignment(int before) {
    String value = base64("u".repeat(before) + TOKEN + " trailing");

    MaskedWrites.Finding f = MaskedWrites.find(write("PUT", "application/json", "{\"data\":{\"password\":\"" + value + "\"}}"));

    assertThat(f).as(value).isNotNull();
    assertThat(f.fields()).containsExactly("data.password");
  }

  @Test
  void applyPatchYamlHoldingTokensNamesTheFields() {
    MaskedWrites.Finding f = MaskedWrites.find(write("PATCH", "application/apply-patch+yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\ndata:\n  password: " + BASE64_TOKEN
            + "\nstringData:\n  user: \"" + TOKEN + "\"\n"));

    assertThat(f.fields()).containsExactly("data.password", "stringData.user");
  }

  @Test
  void jsonPatchOpsAreNamedByTheirTargetPath() {
    MaskedWrites.Finding f = MaskedWrites.find(write("PATCH", "application/json-patch+json",
        "[{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"db-creds\"},"
            + "{\"value\":\"" + BASE64_TOKEN + "\",\"op\":\"replace\",\"path\":\"/data/password\"},"
            + "{\"op\":\"add\",\"path\":\"/stringData\",\"value\":{\"tls.key\":\"" + TOKEN + "\"}}]"));

    assertThat(f.fields()).containsExactly("data.password", "stringData[tls.key]");
  }

  @Test
  void mergeAndStrategicMergePatchesHoldingATokenAreFound() {
    for (String type : List.of("application/merge-patch+json", "application/strategic-merge-patch+json")) {
      MaskedWrites.Finding f = MaskedWrites.find(write("PATCH", type,
          "{\"metadata\":{\"labels\":{\"tier\":\"db\"}},\"data\":{\"password\":\"" + BASE64_TOKEN + "\"}}"));

      assertThat(f).as(type).isNotNull();
      assertThat(f.fields()).as(type).containsExactly("data.password");
    }
  }

  @Test
  void tokenEscapedInsideALastAppliedAnnotationNamesTheAnnotation() {
    String lastApplied = "{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"Secret\\\",\\\"stringData\\\":{\\\"password\\\":\\\""
        + TOKEN + "\\\"}}\\n";

    MaskedWrites.Finding f = MaskedWrites.find(write("PUT", "application/json",
        "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db-creds\",\"annotations\":{\"" + LAST_APPLIED + "\":\"" + lastApplied
            + "\"}},\"data\":{\"password\":\"aHVudGVyMg==\"}}"));

    assertThat(f.fields()).containsExactly("metadata.annotations[" + LAST_APPLIED + "]");
  }

  @Test
  void embeddedJsonWhoseTokenIsEscapedTwiceIsReadInside() {
    // The annotation's own strings spell the prefix with a JSON escape: only reading it finds it.
    String inner = "{\\\"password\\\":\\\"" + TOKEN.replace("-", "\\\\u002d") + "\\\"}";

    MaskedWrites.Finding f = MaskedWrites.find(write("PUT", "application/json",
        "{\"metadata\":{\"annotations\":{\"note\":\"" + inner + "\"}},\"data\":{\"password\":\"" + BASE64_TOKEN + "\"}}"));

    assertThat(f.fields()).containsExactly("metadata.annotations.note", "data.password");
  }

  @Test
  void bodiesWithoutTokensPass() {
    assertThat(MaskedWrites.find(write("PUT", "application/json",
        "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"},\"stringData\":{\"user\":\"admin\"}}"))).isNull();
    assertThat(MaskedWrites.find(write("PATCH", "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/data/password\",\"value\":\"b3duZWQ=\"}]"))).isNull();
    assertThat(MaskedWrites.find(write("PATCH", "application/apply-patch+yaml", "kind: ConfigMap\ndata: {mode: fast}\n"))).isNull();
  }

  @Test
  void theWordsOfTheTokenFormatAloneAreNoToken() {
    // Documentation about KubeGuard may name the format; only a whole token is one.
    assertThat(MaskedWrites.find(write("POST", "application/json",
        "{\"kind\":\"ConfigMap\",\"data\":{\"README\":\"values look like kubeguard-masked:<16 hex>\"}}"))).isNull();
  }

  @Test
  void readsAndDeletesAreNotLookedInto() {
    String body = "{\"data\":{\"password\":\"" + BASE64_TOKEN + "\"}}";
    assertThat(MaskedWrites.find(write("DELETE", "application/json", body))).isNull();
    assertThat(MaskedWrites.find(KubeRequest.of("GET", SECRET))).isNull();
  }

  @Test
  void aBodyThatCarriesTheBytesButCannotBeReadIsAFindingWithoutFields() {
    MaskedWrites.Finding protobuf = MaskedWrites.find(write("PUT", "application/vnd.kubernetes.protobuf", "k8s\0" + TOKEN));
    MaskedWrites.Finding broken = MaskedWrites.find(write("PUT", "application/json", "{\"data\":{\"password\":\"" + TOKEN));

    assertThat(protobuf).isNotNull();
    assertThat(protobuf.fields()).isEmpty();
    assertThat(broken).isNotNull();
  }

  @Test
  void anyTextAroundATokenPlainOrInBase64IsFoundByTheCheapScan() {
    qt().forAll(strings().allPossible().ofLengthBetween(0, 40), strings().allPossible().ofLengthBetween(0, 40), integers().between(0, 1))
        .checkAssert((before, after, encoded) -> {
          String text = before + TOKEN + after;
          String value = encoded == 1 ? base64(text) : text;
          assertThat(MaskedWrites.mightCarry(value.getBytes(StandardCharsets.UTF_8))).as(value).isTrue();
          assertThat(MaskedWrites.carries(value)).as(value).isTrue();
        });
  }

  @Test
  void base64OfTextWithoutATokenIsNeverTakenForOne() {
    qt().forAll(strings().allPossible().ofLengthBetween(0, 200))
        .assuming(s -> !s.contains("kubeguard-masked:"))
        .checkAssert(s -> assertThat(MaskedWrites.carries(base64(s))).as(s).isFalse());
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Whatever is not masked keeps its exact bytes. */
class BytePreservationTest {

  static final DefaultMasker MASKER = Masking.masker();

  static String mask(String body, String ct) throws Exception {
    return Masking.mask(MASKER, "default", ct, body.getBytes(StandardCharsets.UTF_8)).text();
  }

  @Test
  void keepsWhitespaceKeyOrderNumberSpellingAndEscapesOfAnUnmaskedBody() throws Exception {
    String body = "{\n  \"metadata\" : {\"name\": \"web\", \"labels\": {\"app\":\"w\\u0065b\"}},\n"
        + "  \"kind\": \"Deployment\",\t\"spec\": {\"replicas\": 3.0e0, \"x\": -0, \"s\": \"a\\/b \\u00e9 \\ud83d\\ude00\"}\n}\n";
    assertThat(mask(body, "application/json")).isEqualTo(body);
  }

  @Test
  void rewritesOnlyTheMaskedSpan() throws Exception {
    String body = "{ \"kind\" : \"Secret\" ,\n \"data\" : { \"a\" : \"aHVudGVyMg==\" } , \"type\":\"Opaque\" }";
    String out = mask(body, "application/json");
    assertThat(out).startsWith("{ \"kind\" : \"Secret\" ,\n \"data\" : { \"a\" : \"").endsWith("\" } , \"type\":\"Opaque\" }");
    assertThat(out).doesNotContain("aHVudGVyMg==");
  }

  @Test
  void keepsWatchFramingByteForByte() throws Exception {
    String body = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\",\"data\":{\"a\":\"b\"}}}\n"
        + "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"resourceVersion\":\"12\"}}}\n";
    assertThat(mask(body, "application/json;stream=watch")).isEqualTo(body);
  }

  @Test
  void emitsAHeldFieldInPlace() throws Exception {
    String body = "{\"data\":{\"LOG_LEVEL\":\"info\",\"DB_PASSWORD\":\"pw\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}";
    String out = mask(body, "application/json");
    assertThat(out).startsWith("{\"data\":{\"LOG_LEVEL\":\"info\",\"DB_PASSWORD\":\"kubeguard-masked:")
        .endsWith("\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
    String env = "{\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"env\":[{\"value\":\"info\",\"name\":\"LOG_LEVEL\"}]}]}}";
    assertThat(mask(env, "application/json")).isEqualTo(env);
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A name spelled with JSON escapes is the name it decodes to: a reader (kube-apiserver, kubectl)
 * sees {@code d\u0061ta} as {@code data}, so the masker must too, whichever lookup finds it.
 */
class EscapedNamesTest {

  private static final DefaultMasker MASKER = Masking.masker();

  @Test
  void escapedNamesMaskAsTheNamesTheySpell() throws Exception {
    String[][] pairs = {
      {"{\"kind\":\"Secret\",\"data\":{\"k\":\"aHVudGVyMg==\"}}", "{\"kind\":\"Secret\",\"d\\u0061ta\":{\"k\":\"aHVudGVyMg==\"}}"},
      {"{\"kind\":\"Secret\",\"data\":{\"k\":\"aHVudGVyMg==\"}}", "{\"ki\\u006ed\":\"Secr\\u0065t\",\"data\":{\"k\":\"aHVudGVyMg==\"}}"},
      {"{\"kind\":\"Foo\",\"spec\":{\"password\":\"hunter2-plain\"}}", "{\"kind\":\"Foo\",\"spec\":{\"pass\\u0077ord\":\"hunter2-plain\"}}"},
      {"{\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"hunter2-env\"}]}]}}",
       "{\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"env\":[{\"n\\u0061me\":\"DB_PASS\\u0057ORD\",\"value\":\"hunter2-env\"}]}]}}"},
      {"{\"kind\":\"Foo\",\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"k:{\\\"name\\\":\\\"password\\\"}\":{}}}]},\"spec\":{\"password\":\"p\"}}",
       "{\"kind\":\"Foo\",\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"k:{\\\"name\\\":\\\"password\\\"}\":{}}}]},\"spec\":{\"pass\\u0077ord\":\"p\"}}"},
    };
    for (String[] p : pairs) {
      Masking.Result plain = Masking.mask(MASKER, "default", "application/json", p[0].getBytes(StandardCharsets.UTF_8));
      Masking.Result escaped = Masking.mask(MASKER, "default", "application/json", p[1].getBytes(StandardCharsets.UTF_8));
      assertThat(plain.masked()).as(p[0]).isPositive();
      assertThat(escaped.masked()).as(p[1]).isEqualTo(plain.masked());
      assertThat(escaped.text()).doesNotContain("aHVudGVyMg==", "hunter2-plain", "hunter2-env");
    }
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** pods/log bodies: text/plain, possibly endless. */
class TextMaskingTest {

  static final DefaultMasker MASKER = Masking.masker();
  static final String LOG =
      "2026-11-27T11:30:26Z starting web on :8080\n"
          + "connecting to postgres://shop:S3cr3t-Pa55w0rd!@db:5432/shop\n"
          + "auth header Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl ok\n"
          + "config loaded password=hunter2-literal retries=3\n"
          + "key follows\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretsecretsecret\nAAAAsecondlinesecret\n-----END RSA PRIVATE KEY----- trailer\n"
          + "stripe sk_live_51HcFakeExampleKey0000 github ghp_exampleexampleexampleexample0000\n"
          + "done, élan ✓";

  static final String[] SECRETS = {
    "S3cr3t-Pa55w0rd!", "eyJhbGciOiJSUzI1NiJ9", "hunter2-literal", "MIIEowIBAAKCAQEAsecretsecretsecret",
    "AAAAsecondlinesecret", "sk_live_51HcFakeExampleKey0000", "ghp_exampleexampleexampleexample0000"
  };

  @Test
  void masksSecretsInLogsWhereverTheChunksAreCut() throws Exception {
    byte[] body = LOG.getBytes(StandardCharsets.UTF_8);
    String whole = Masking.mask(MASKER, "default", "text/plain", body).text();
    assertThat(whole).doesNotContain(SECRETS);
    assertThat(whole)
        .startsWith("2026-11-27T11:30:26Z starting web on :8080\n")
        .contains("retries=3\n", "key follows\n", " trailer\n", "@db:5432/shop\n")
        .endsWith("done, élan ✓");
    for (int cut = 1; cut < body.length; cut++) {
      String out = cutAt(body, cut);
      assertThat(out).as("cut at " + cut).isEqualTo(whole);
    }
  }

  @Test
  void emitsEachCompleteLineOfAFollowStreamAtOnce() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MaskingStream s = MASKER.open(
        new MaskingContext("default", "text/plain; charset=utf-8", Masking.request("get", "pods", "log")),
        c -> out.write(DefaultMaskerTest.bytes(c)));
    s.write(ByteBuffer.wrap("line one\ntoken=abcdefgh12".getBytes()));
    assertThat(out.toString()).isEqualTo("line one\n");
    s.write(ByteBuffer.wrap("34 end\n".getBytes()));
    assertThat(out.toString()).startsWith("line one\ntoken=kubeguard-masked:").endsWith(" end\n").doesNotContain("abcdefgh");
    s.finish();
  }

  @Test
  void keepsBytesThatAreNotSecretsExactly() throws Exception {
    byte[] body = {'o', 'k', ' ', (byte) 0xff, (byte) 0xc3, '\n', 0, 1, 2};
    assertThat(Masking.mask(MASKER, "default", "text/plain", body).body()).isEqualTo(body);
  }

  @Test
  void masksAnUnterminatedPrivateKeyToTheEnd() throws Exception {
    String out = Masking.mask(MASKER, "default", "text/plain",
        "a\n-----BEGIN PRIVATE KEY-----\nMIIsecretline\nmore".getBytes()).text();
    assertThat(out).startsWith("a\n").doesNotContain("MIIsecretline", "more").contains("kubeguard-masked:");
  }

  @Test
  void masksAnOpaqueBearerTokenInALogLine() throws Exception {
    String token = "Q3vX9.kLm~2pR+tZ/8wYb-4nHc7JdF1sGa6eUo0iVq";
    byte[] body = ("10.0.0.7 - - [27/Nov/2026:11:30:26 +0000] \"GET /healthz\" 200\n"
        + "outgoing request headers: Authorization: Bearer " + token + "\n").getBytes(StandardCharsets.UTF_8);
    String whole = Masking.mask(MASKER, "default", "text/plain", body).text();
    assertThat(whole).doesNotContain(token).contains("Authorization: Bearer kubeguard-masked:")
        .startsWith("10.0.0.7 - - [27/Nov/2026:11:30:26 +0000] \"GET /healthz\" 200\n");
    for (int cut = 1; cut < body.length; cut++) {
      assertThat(cutAt(body, cut)).as("cut at " + cut).isEqualTo(whole);
    }
  }

  @Test
  void masksPrivateKeyBodyLinesWhenTheLogStartsMidKey() throws Exception {
    String[] key = RealPem.privateKey().split("\n");
    // what tailLines=8 returns: the BEGIN line and most of the body are gone
    StringBuilder tail = new StringBuilder();
    for (int i = key.length - 7; i < key.length; i++) {
      tail.append(key[i]).append('\n');
    }
    tail.append("2026-11-27T11:30:27Z key loaded\n");
    byte[] body = tail.toString().getBytes(StandardCharsets.UTF_8);
    String whole = Masking.mask(MASKER, "default", "text/plain", body).text();
    for (int i = key.length - 7; i < key.length - 1; i++) {
      assertThat(whole).as("body line " + i).doesNotContain(key[i]);
    }
    assertThat(whole).endsWith("-----END PRIVATE KEY-----\n2026-11-27T11:30:27Z key loaded\n");
    for (int cut = 1; cut < body.length; cut++) {
      assertThat(cutAt(body, cut)).as("cut at " + cut).isEqualTo(whole);
    }
  }

  @Test
  void masksKeyBodyLinesBehindKubectlTimestampsAndIndentation() throws Exception {
    String[] key = RealPem.privateKey().split("\n");
    String log = "2026-11-27T11:30:26.123456789Z " + key[5] + "\n"
        + "2026-11-27T11:30:26.123456789+01:00     " + key[6] + "\n"
        + "    " + key[key.length - 2] + "\n";
    String out = Masking.mask(MASKER, "default", "text/plain", log.getBytes(StandardCharsets.UTF_8)).text();
    assertThat(out).doesNotContain(key[5], key[6], key[key.length - 2])
        .startsWith("2026-11-27T11:30:26.123456789Z kubeguard-masked:");
  }

  @Test
  void leavesACertificateInALogAsItIs() throws Exception {
    String log = "serving certificate:\n" + RealPem.certificate() + "listening on :8443\n";
    byte[] body = log.getBytes(StandardCharsets.UTF_8);
    assertThat(Masking.mask(MASKER, "default", "text/plain", body).text()).isEqualTo(log);
  }

  private static String cutAt(byte[] body, int cut) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MaskingStream s = MASKER.open(
        new MaskingContext("default", "text/plain", Masking.request("get", "pods", "log")),
        c -> out.write(DefaultMaskerTest.bytes(c)));
    s.write(ByteBuffer.wrap(body, 0, cut));
    s.write(ByteBuffer.wrap(body, cut, body.length - cut));
    s.finish();
    return out.toString(StandardCharsets.UTF_8);
  }
}

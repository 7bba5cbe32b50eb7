package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ValueDetectorsTest {

  final ValueDetectors detectors = new ValueDetectors(true, List.of());
  final MaskTokens tokens = new MaskTokens(new SecretKeySpec(new byte[32], "HmacSHA256"));

  String mask(String s) {
    String m = detectors.mask(s, tokens, new int[1], detectors.triggers(s.toCharArray(), 0, s.length()));
    return m == null ? s : m;
  }

  @Test
  void masksEachKindOfSecretItKnows() {
    for (String secret : List.of(
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl",
        "AKIAIOSFODNN7EXAMPLE",
        "AIzaSyA1234567890abcdefghijklmnopqrstuv",
        "ghp_exampleexampleexampleexample0000",
        "github_pat_11ABCDEFG0123456789_abcdefghijk",
        "glpat-abcdefghijklmnopqrst",
        "xoxb-1234567890-abcdefghij",
        "sk_live_51HcFakeExampleKey0000",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIabc\n-----END EC PRIVATE KEY-----")) {
      String out = mask("before " + secret + " after");
      assertThat(out).as(secret).doesNotContain(secret).startsWith("before kubeguard-masked:").endsWith(" after");
    }
  }

  @Test
  void masksOnlyTheSecretPartOfUrlsAndPairs() {
    assertThat(mask("https://admin:hunter2@example.com/x")).startsWith("https://admin:kubeguard-masked:").endsWith("@example.com/x");
    assertThat(mask("DB_PASSWORD=hunter2 LOG=info")).startsWith("DB_PASSWORD=kubeguard-masked:").endsWith(" LOG=info");
    assertThat(mask("{\"client_secret\": \"abc123\"}")).startsWith("{\"client_secret\": \"kubeguard-masked:").doesNotContain("abc123");
  }

  @Test
  void leavesOrdinaryStringsAloneWithoutRunningRegexes() {
    for (String s : List.of("2026-11-27T11:30:26Z", "nginx:1.27", "https://example.com/a", "LOG_LEVEL=info",
        "registry.example.com/shop/web@sha256:0f3b", "kubernetes.io/service-account-token")) {
      assertThat(ValueDetectors.mightContain(s.toCharArray(), 0, s.length())).as(s).isZero();
      assertThat(mask(s)).isEqualTo(s);
    }
  }

  @Test
  void neverMasksATokenTwice() {
    String once = mask("password=hunter2");
    assertThat(mask(once)).isEqualTo(once);
  }

  static final String OPAQUE = "Q3vX9.kLm~2pR+tZ/8wYb-4nHc7JdF1sGa6eUo0iVq";

  @Test
  void masksAnOpaqueBearerTokenThatIsNotAJwt() {
    for (String line : List.of(
        "Authorization: Bearer " + OPAQUE,
        "GET /api/v1/pods authorization=\"Bearer " + OPAQUE + "\" status=200",
        "-H 'authorization: bearer " + OPAQUE + "'",
        "{\"headers\":{\"Authorization\":\"Bearer " + OPAQUE + "\"}}",
        "retrying with bearer " + OPAQUE)) {
      assertThat(mask(line)).as(line).doesNotContain(OPAQUE).contains("kubeguard-masked:");
    }
    assertThat(mask("Authorization: Bearer " + OPAQUE)).startsWith("Authorization: Bearer kubeguard-masked:");
  }

  @Test
  void masksBasicCredentialsAndOtherAuthorizationSchemes() {
    String basic = "dXNlcjpTM2NyM3QtUGE1NXcwcmQh"; // base64 of user:S3cr3t-Pa55w0rd!
    assertThat(mask("Authorization: Basic " + basic)).doesNotContain(basic).startsWith("Authorization: Basic kubeguard-masked:");
    assertThat(mask("Authorization: Token 9f8e7d6c5b4a39281706f5e4d3c2b1a0")).doesNotContain("9f8e7d6c5b4a3928");
    assertThat(mask("authorization: SSWS 00QCjAl4MlV-WPXM7dBuTbAz7ab2NKsHuQ")).doesNotContain("00QCjAl4MlV");
  }

  @Test
  void masksHighEntropyValuesNearAKeywordWhateverTheKeyIsCalled() {
    for (String[] c : new String[][] {
        {"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"},
        {"session_id=Zk2Lq9Xw7Rt4Mn1Bv8Cc3Df6", "Zk2Lq9Xw7Rt4"},
        {"Set-Cookie: sid=s%3AabcDEF123; cookie_value: Pq7Rs2Tu9Vw4Xy1Za6Bc3De", "Pq7Rs2Tu9Vw4"},
        {"X-Api-Key: 8c1f2a9e7b3d4c5f6a7b8c9d0e1f2a3b", "8c1f2a9e7b3d"},
        {"{\"client_secret\": \"4hG7kL2mN9pQ3rS8tV1wX6yZ\"}", "4hG7kL2mN9pQ"},
        {"signature_v2: 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1x'", "aB3dE5fG7hJ9"},
        {"\\\"token\\\":\\\"Tk9x2Lm4Qp7Rs1Uv3Wy5\\\"", "Tk9x2Lm4Qp7R"},
        {"private key: MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", "MIIEvQIBADAN"},
        {"password = \"correct horse battery staple\"", "horse battery"}}) {
      assertThat(mask(c[0])).as(c[0]).doesNotContain(c[1]).contains("kubeguard-masked:");
    }
  }

  @Test
  void leavesWordsReferencesAndLowEntropyValuesAfterKeywords() {
    for (String s : List.of(
        "I1127 11:30:26.123456 1 controller.go:42] \"Syncing\" secret=\"shop/db-creds\" token=\"kube-system/bootstrap\"",
        "token: expired", "auth: required", "Bearer authentication is required", "basic auth failed",
        "WWW-Authenticate: Bearer realm=\"kubernetes\", resource_metadata=\"https://example.com\"",
        "secretName: web-tls", "tokenExpirationSeconds: 3600", "sessionAffinity: ClientIP",
        "password_file=/etc/app/password.txt", "pwd: /home/app", "password: <redacted>", "secret: ${DB_SECRET}",
        "session: ClusterFirstWithHostNet", "cookie_name=kube-api-access-x7k2p")) {
      assertThat(mask(s)).as(s).isEqualTo(s);
    }
  }

  @Test
  void leavesOrdinaryKubernetesValuesAlone() {
    for (String s : List.of(
        "5e1f2b7a-0c3d-4e5f-8a9b-0c1d2e3f4a5b", "48213", "2026-11-27T11:30:26Z",
        "registry.k8s.io/pause:3.9@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097",
        "docker-pullable://nginx@sha256:0f3b8c1a2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
        "app.kubernetes.io/name", "f:metadata", "{\"f:data\":{\".\":{},\"f:password\":{}}}",
        "system:serviceaccount:kube-system:token-cleaner",
        "MountVolume.SetUp failed for volume \"token\" : secret \"db-creds\" not found",
        "Successfully assigned shop/web-7d9f8b6c5-x2k4p to node-1",
        "Back-off restarting failed container web in pod web-7d9f8b6c5-x2k4p_shop(5e1f2b7a-0c3d-4e5f-8a9b-0c1d2e3f4a5b)",
        "kubernetes.io/service-account-token", "bootstrap.kubernetes.io/token")) {
      assertThat(mask(s)).as(s).isEqualTo(s);
    }
  }

  @Test
  void leavesCertificateBlocksAloneButNotAPrivateKeyAfterThem() {
    String cert = "-----BEGIN CERTIFICATE-----\nMIIDFzCCAf+gAwIBAgIUZ6DuwYnx4VLXw3/I6u//n55uQpowDQYJ\n"
        + "AIzaSyA1234567890abcdefghijklmnopqrstuv/ghp_notreallyatokenbutitslookslikeone0\n-----END CERTIFICATE-----\n";
    assertThat(mask(cert)).isEqualTo(cert);
    String key = "-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDB\n-----END PRIVATE KEY-----\n";
    assertThat(mask(cert + key)).startsWith(cert).doesNotContain("MIIEvgIBADAN");
    String unterminated = "-----BEGIN CERTIFICATE-----\nMIIDFzCC\n";
    assertThat(mask(unterminated + key)).startsWith(unterminated).doesNotContain("MIIEvgIBADAN");
  }
}

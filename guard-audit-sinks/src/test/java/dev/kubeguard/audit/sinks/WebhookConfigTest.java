package dev.kubeguard.audit.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookConfigTest {

  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("webhook.yaml");
    Files.writeString(f, yaml, StandardCharsets.UTF_8);
    return f;
  }

  private static String b64(String resource) {
    return Base64.getEncoder().encodeToString(SinkTestEvents.tls(resource));
  }

  @Test
  void readsServerCaAndClientCertificateFromFilesRelativeToTheKubeconfig() throws Exception {
    Files.createDirectories(dir.resolve("pki"));
    SinkTestEvents.resource("ca.pem", dir.resolve("pki"));
    SinkTestEvents.resource("client-ec.pem", dir.resolve("pki"));
    SinkTestEvents.resource("client-ec-key.pem", dir.resolve("pki"));
    WebhookConfig c = WebhookConfig.fromKubeconfig(write("""
        clusters:
        - name: c
          cluster: {server: "https://collector.example:8443/k8s-audit", certificate-authority: pki/ca.pem}
        users:
        - name: u
          user: {client-certificate: pki/client-ec.pem, client-key: pki/client-ec-key.pem}
        contexts:
        - name: x
          context: {cluster: c, user: u}
        current-context: x
        """));
    assertThat(c.server().toString()).isEqualTo("https://collector.example:8443/k8s-audit");
    assertThat(c.certificateAuthorities()).hasSize(1);
    assertThat(c.clientCertificates().get(0).getSubjectX500Principal().getName()).contains("kubeguard-audit-ec");
    assertThat(c.clientKey()).isInstanceOf(ECPrivateKey.class);
    assertThat(c.token()).isNull();
  }

  @Test
  void readsEmbeddedDataAndATokenFileWithoutContexts() throws Exception {
    Files.writeString(dir.resolve("token"), "s3cr3t-token\n");
    WebhookConfig c = WebhookConfig.fromKubeconfig(write("""
        clusters:
        - cluster: {server: "https://127.0.0.1:9443", certificate-authority-data: %s}
        users:
        - user: {client-certificate-data: %s, client-key-data: %s, tokenFile: token}
        """.formatted(b64("ca.pem"), b64("client.pem"), b64("client-key.pem"))));
    assertThat(c.clientKey()).as("PKCS#1 RSA key").isInstanceOf(RSAPrivateKey.class);
    assertThat(c.token()).isEqualTo("s3cr3t-token");
    assertThat(c.toString()).doesNotContain("s3cr3t").contains("<redacted>");
  }

  @Test
  void readsPkcs8Keys() {
    assertThat(Pem.privateKey(SinkTestEvents.tls("server-key.pem"), "k")).isInstanceOf(RSAPrivateKey.class);
  }

  @Test
  void refusesWhatWouldWeakenTlsOrSendCredentialsInClearText() throws Exception {
    assertThatThrownBy(() -> WebhookConfig.fromKubeconfig(write("""
        clusters: [{cluster: {server: "https://x", insecure-skip-tls-verify: true}}]
        """))).hasMessageContaining("insecure-skip-tls-verify is refused");
    assertThatThrownBy(() -> WebhookConfig.fromKubeconfig(write("""
        clusters: [{cluster: {server: "http://x:8080"}}]
        users: [{user: {token: abc}}]
        """))).hasMessageContaining("plain http but credentials");
    assertThatThrownBy(() -> WebhookConfig.fromKubeconfig(write("""
        clusters: [{cluster: {server: "https://x"}}]
        users: [{user: {exec: {command: get-token}}}]
        """))).hasMessageContaining("exec is not supported");
    assertThatThrownBy(() -> WebhookConfig.fromKubeconfig(write("""
        clusters: [{cluster: {certificate-authority-data: %s}}]
        """.formatted(b64("ca.pem"))))).hasMessageContaining("server is missing");
    assertThatThrownBy(() -> WebhookConfig.fromKubeconfig(write("""
        clusters: [{cluster: {server: "https://x"}}]
        users: [{user: {client-certificate-data: %s}}]
        """.formatted(b64("client.pem"))))).hasMessageContaining("set both or neither");
    assertThatThrownBy(() -> WebhookConfig.fromKubeconfig(write("""
        clusters: [{name: a, cluster: {server: "https://a"}}, {name: b, cluster: {server: "https://b"}}]
        """))).hasMessageContaining("set current-context");
  }

  @Test
  void refusesEncryptedOrUnreadableKeysWithoutQuotingThem() {
    String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkq\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assertThatThrownBy(() -> Pem.privateKey(encrypted.getBytes(StandardCharsets.US_ASCII), "client-key"))
        .hasMessageContaining("encrypted");
    String junk = "-----BEGIN PRIVATE KEY-----\nAAAAsecretbytes\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(() -> Pem.privateKey(junk.getBytes(StandardCharsets.US_ASCII), "client-key"))
        .hasMessageNotContaining("AAAAsecretbytes");
  }
}

package dev.kubeguard.e2e.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything the control plane reads, written fresh into one temporary directory: the token
 * file, a service-account RSA key pair made by the JDK, the audit policy, the certificate and etcd
 * data directories. Nothing outside that directory is read or written.
 *
 * <p>Not thread-safe; one instance per control plane. {@link #delete()} removes the directory.
 */
final class ControlPlaneFiles {

  // The server's own record of every request at the fullest level: request and response bodies.
  private static final String AUDIT_POLICY = """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      rules:
      - level: RequestResponse
      """;

  final Path dir;
  final Path tokens;
  final Path saKey;
  final Path saPub;
  final Path auditPolicy;
  final Path auditLog;
  final Path certs;
  final Path etcdData;

  private ControlPlaneFiles(Path dir) {
    this.dir = dir;
    this.tokens = dir.resolve("tokens.csv");
    this.saKey = dir.resolve("sa.key");
    this.saPub = dir.resolve("sa.pub");
    this.auditPolicy = dir.resolve("audit-policy.yaml");
    this.auditLog = dir.resolve("audit.log");
    this.certs = dir.resolve("certs");
    this.etcdData = dir.resolve("etcd");
  }

  static ControlPlaneFiles write(List<TokenUser> users) throws IOException, GeneralSecurityException {
    ControlPlaneFiles f = new ControlPlaneFiles(Files.createTempDirectory("kubeguard-e2e-"));
    Files.createDirectories(f.certs);
    Files.createDirectories(f.etcdData);
    Files.write(f.tokens, users.stream().map(TokenUser::csvLine).toList(), StandardCharsets.UTF_8);
    Files.writeString(f.auditPolicy, AUDIT_POLICY, StandardCharsets.UTF_8);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    Files.writeString(f.saKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    Files.writeString(f.saPub, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
    return f;
  }

  /** PKCS#8 / X.509 SubjectPublicKeyInfo in PEM, both of which kube-apiserver reads. */
  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** The server's self-signed serving certificate, written at start-up. */
  Path servingCert() {
    return certs.resolve("apiserver.crt");
  }

  void delete() {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // Best effort: a temp directory left behind is not worth failing a finished run for.
    }
  }
}

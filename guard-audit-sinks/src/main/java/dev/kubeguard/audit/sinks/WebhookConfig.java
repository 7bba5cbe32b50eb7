package dev.kubeguard.audit.sinks;

import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Where and how {@link WebhookAuditRecorder} delivers: the endpoint and its credentials, as
 * kube-apiserver's {@code --audit-webhook-config-file} (a kubeconfig) names them. Read one with
 * {@link #fromKubeconfig(Path)}. Immutable; {@link #toString()} never shows the token or key.
 *
 * @param server the endpoint events are POSTed to ({@code clusters[].cluster.server})
 * @param certificateAuthorities the CAs the server certificate must chain to; empty = the JDK's
 * @param clientCertificates the client certificate chain, leaf first; empty = none
 * @param clientKey the client certificate's key; null exactly when there is no certificate
 * @param token a bearer token sent as {@code Authorization: Bearer}; null = none
 */
public record WebhookConfig(
    URI server, List<X509Certificate> certificateAuthorities, List<X509Certificate> clientCertificates,
    PrivateKey clientKey, String token) {

  public WebhookConfig {
    Objects.requireNonNull(server, "server");
    String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("webhook server must be an https:// URL, got " + server);
    }
    if (server.getHost() == null) {
      throw new IllegalArgumentException("webhook server " + server + " has no host");
    }
    certificateAuthorities = List.copyOf(certificateAuthorities == null ? List.of() : certificateAuthorities);
    clientCertificates = List.copyOf(clientCertificates == null ? List.of() : clientCertificates);
    if (clientCertificates.isEmpty() != (clientKey == null)) {
      throw new IllegalArgumentException(
          "a client certificate needs its key and a key its certificate: set both client-certificate and client-key");
    }
    if (token != null && token.isBlank()) {
      token = null;
    }
    if (scheme.equals("http") && (token != null || clientKey != null)) {
      // Credentials (and masked but still sensitive audit bodies) never travel in clear text.
      throw new IllegalArgumentException(
          "webhook server " + server + " is plain http but credentials are configured: use https://");
    }
  }

  /**
   * Reads a kubeconfig-format webhook file: the cluster and user of {@code current-context} (or
   * the only cluster and user when there is no current context). Relative file references are
   * resolved against the file's directory, as {@code kubectl} does.
   *
   * @throws IllegalArgumentException naming the field to fix, for anything missing, unreadable or
   *     unsupported ({@code insecure-skip-tls-verify}, {@code exec}, basic auth, ...)
   */
  public static WebhookConfig fromKubeconfig(Path file) {
    return KubeconfigReader.read(file);
  }

  /** A plain-http endpoint without credentials: tests and in-cluster collectors on loopback only. */
  public static WebhookConfig plainHttp(URI server) {
    return new WebhookConfig(server, List.of(), List.of(), null, null);
  }

  @Override
  public String toString() {
    return "WebhookConfig[server=" + server + ", certificateAuthorities=" + certificateAuthorities.size()
        + ", clientCertificate=" + (clientCertificates.isEmpty() ? "none" : clientCertificates.get(0).getSubjectX500Principal())
        + ", token=" + (token == null ? "none" : "<redacted>") + "]";
  }
}

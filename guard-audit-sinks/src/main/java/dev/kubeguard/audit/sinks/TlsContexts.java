package dev.kubeguard.audit.sinks;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the {@link SSLContext} a {@link WebhookConfig} asks for: trust only its CAs (the JDK's
 * when it names none) and present its client certificate. Hostname verification stays the
 * {@code java.net.http.HttpClient} default (on). Stateless.
 */
final class TlsContexts {

  private static final char[] NO_PASSWORD = new char[0];

  private TlsContexts() {}

  static SSLContext forConfig(WebhookConfig config) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (config.certificateAuthorities().isEmpty()) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore trust = emptyStore();
        int i = 0;
        for (X509Certificate ca : config.certificateAuthorities()) {
          trust.setCertificateEntry("ca-" + i++, ca);
        }
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (config.clientKey() != null) {
        KeyStore keys = emptyStore();
        keys.setKeyEntry(
            "client", config.clientKey(), NO_PASSWORD, config.clientCertificates().toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, NO_PASSWORD);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException(
          "cannot build TLS for " + config.server() + " (does the client key match its certificate?): " + e.getMessage(), e);
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, java.io.IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    return ks;
  }
}

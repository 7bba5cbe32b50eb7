package dev.kubeguard.e2e.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Unguarded HTTP straight to the API server with a token user's credentials: the control calls
 * the scenarios compare the guarded clients against, readiness polls and audit-log sentinels.
 * Every call carries the {@code Audit-ID} it is given, so the server's audit log can be searched
 * for it.
 *
 * <p>Thread-safe (one JDK {@link HttpClient}). Failure: I/O errors are thrown unchecked; an HTTP
 * error status is returned, not thrown.
 */
public final class RawHttp {

  private final HttpClient http;
  private final URI base;

  RawHttp(SSLContext tls, URI base) {
    this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.base = base;
  }

  /** Sends {@code method pathAndQuery} (origin form, sent as given) as {@code user}. */
  public HttpResponse<String> send(TokenUser user, String method, String pathAndQuery, String auditId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .header("Audit-ID", auditId)
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null) {
      b.header("Authorization", "Bearer " + user.token());
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + pathAndQuery + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

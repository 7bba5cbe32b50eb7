package dev.kubeguard.fabric8.internal;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.HttpClient;

/**
 * Hands {@code KubernetesClientBuilder} an {@code HttpClient} derived from the guarded client's
 * one and tagged with an {@link IdentityBinding}: it shares the parent's connections, interceptors
 * and configuration, and every client fabric8 derives from it keeps the tag.
 */
public final class BoundHttpClientFactory implements HttpClient.Factory {

  private final HttpClient parent;
  private final IdentityBinding binding;

  public BoundHttpClientFactory(HttpClient parent, IdentityBinding binding) {
    this.parent = parent;
    this.binding = binding;
  }

  @Override
  public HttpClient.Builder newBuilder(Config config) {
    return newBuilder(); // the parent already carries the configuration
  }

  @Override
  public HttpClient.Builder newBuilder() {
    HttpClient.DerivedClientBuilder derived = parent.newBuilder().tag(binding);
    if (derived instanceof HttpClient.Builder builder) {
      return builder;
    }
    throw new IllegalStateException("the fabric8 HTTP client " + parent.getClass().getName()
        + " cannot derive clients; KubeGuard supports fabric8's standard HTTP clients (Vert.x, JDK, OkHttp, Jetty)");
  }
}

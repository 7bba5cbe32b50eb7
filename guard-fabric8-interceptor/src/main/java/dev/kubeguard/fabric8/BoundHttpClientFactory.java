package dev.kubeguard.fabric8;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.HttpClient;

/**
 * Hands {@code KubernetesClientBuilder} a {@link SharedHttpClient} over the guarded client's HTTP
 * client, bound to an {@link IdentityBinding} when one is given: it shares the parent's
 * connections, interceptors and configuration, every client fabric8 derives from it keeps the
 * guard and the binding, and closing it leaves the shared connections open. Immutable and
 * thread-safe.
 */
final class BoundHttpClientFactory implements HttpClient.Factory {

  private final HttpClient parent;
  private final IdentityBinding binding;
  private final GuardInterceptor guard;

  /**
   * @param binding who its requests are made for, or {@code null} for the guarded client's own
   *     (service) identity
   * @param guard the interceptor its clients keep
   */
  BoundHttpClientFactory(HttpClient parent, IdentityBinding binding, GuardInterceptor guard) {
    this.parent = parent;
    this.binding = binding;
    this.guard = guard;
  }

  @Override
  public HttpClient.Builder newBuilder(Config config) {
    return newBuilder(); // the parent already carries the configuration
  }

  @Override
  public HttpClient.Builder newBuilder() {
    return new SharedClientBuilder(parent.newBuilder(), parent, guard, binding);
  }
}

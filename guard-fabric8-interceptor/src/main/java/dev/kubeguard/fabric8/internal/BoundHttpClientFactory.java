package dev.kubeguard.fabric8.internal;

import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.HttpClient;

/**
 * Hands {@code KubernetesClientBuilder} a {@link SharedHttpClient} over the guarded client's HTTP
 * client, tagged with an {@link IdentityBinding} when one is given: it shares the parent's
 * connections, interceptors and configuration, every client fabric8 derives from it keeps the
 * tag, and closing it leaves the shared connections open. Immutable and thread-safe.
 */
public final class BoundHttpClientFactory implements HttpClient.Factory {

  private final HttpClient parent;
  private final IdentityBinding binding;
  private final Guard guard;

  /**
   * @param binding who its requests are made for, or {@code null} for the guarded client's own
   *     (service) identity
   * @param guard records the end of its WebSocket sessions
   */
  public BoundHttpClientFactory(HttpClient parent, IdentityBinding binding, Guard guard) {
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
    SharedClientBuilder builder = new SharedClientBuilder(parent.newBuilder(), parent, guard);
    return binding == null ? builder : builder.tag(binding);
  }
}

package dev.kubeguard.fabric8;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.TlsVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * Derives a {@link SharedHttpClient} from the HTTP client of a client a
 * {@code GuardedKubernetesClient} handed out. A derived client stays guarded and bound to the same
 * identity: {@link #build()} puts the guard interceptor and the original {@link IdentityBinding}
 * back whatever was done before, and the builder refuses what would change either (an interceptor,
 * which would also run after the guard judged the request, or an identity or session tag).
 * Other tags may be added (fabric8 tags derived clients with their request configuration).
 * Connection settings cannot, since the connections are shared: setting one fails with a message
 * saying where to configure it. Not thread-safe, like every builder.
 */
final class SharedClientBuilder implements HttpClient.Builder {

  private final HttpClient.DerivedClientBuilder derived;
  private final HttpClient owner;
  private final GuardInterceptor guard;
  private final IdentityBinding binding;

  /**
   * @param owner the guarded client's own HTTP client, which owns the connections
   * @param binding the identity the clients it builds act for, or {@code null} for the service identity
   */
  SharedClientBuilder(HttpClient.DerivedClientBuilder derived, HttpClient owner, GuardInterceptor guard,
      IdentityBinding binding) {
    this.derived = derived;
    this.owner = owner;
    this.guard = guard;
    this.binding = binding;
  }

  @Override
  public HttpClient build() {
    derived.addOrReplaceInterceptor(GuardInterceptor.NAME, guard);
    if (binding != null) {
      derived.tag(binding);
    }
    return new SharedHttpClient(derived.build(), owner, guard, binding);
  }

  /** Adds {@code value} as a tag; an identity or session tag is refused: a guarded client cannot be re-bound. */
  @Override
  public SharedClientBuilder tag(Object value) {
    if (value instanceof IdentityBinding || value instanceof SessionEnd) {
      throw new UnsupportedOperationException("a client of a GuardedKubernetesClient stays bound to its identity;"
          + " get a client for another identity from GuardedKubernetesClient.as(...)");
    }
    derived.tag(value);
    return this;
  }

  /** Refused: a guarded client's interceptors are fixed, so nothing can replace the guard or run after it. */
  @Override
  public HttpClient.Builder addOrReplaceInterceptor(String name, Interceptor interceptor) {
    throw new UnsupportedOperationException("interceptors cannot be added to or replaced on a client of a"
        + " GuardedKubernetesClient: one added here would run after KubeGuard judged the request (or replace it);"
        + " add yours with KubeGuardFabric8.Builder.httpClientBuilderConsumer");
  }

  @Override
  public HttpClient.Builder authenticatorNone() {
    derived.authenticatorNone();
    return this;
  }

  @Override
  public HttpClient.Builder connectTimeout(long connectTimeout, TimeUnit unit) {
    throw shared("connectTimeout");
  }

  @Override
  public HttpClient.Builder sslContext(KeyManager[] keyManagers, TrustManager[] trustManagers) {
    throw shared("sslContext");
  }

  @Override
  public HttpClient.Builder followAllRedirects() {
    throw new UnsupportedOperationException("a client of a GuardedKubernetesClient never follows redirects:"
        + " the redirected request would be sent unjudged");
  }

  @Override
  public HttpClient.Builder proxyAddress(InetSocketAddress proxyAddress) {
    throw shared("proxyAddress");
  }

  @Override
  public HttpClient.Builder proxyAuthorization(String credentials) {
    throw shared("proxyAuthorization");
  }

  @Override
  public HttpClient.Builder tlsVersions(TlsVersion... tlsVersions) {
    throw shared("tlsVersions");
  }

  @Override
  public HttpClient.Builder tlsServerName(String tlsServerName) {
    throw shared("tlsServerName");
  }

  @Override
  public HttpClient.Builder preferHttp11() {
    throw shared("preferHttp11");
  }

  @Override
  public HttpClient.Builder proxyType(HttpClient.ProxyType type) {
    throw shared("proxyType");
  }

  private static UnsupportedOperationException shared(String setting) {
    return new UnsupportedOperationException(setting + " cannot be set on a client of a GuardedKubernetesClient: it shares "
        + "the guarded client's connections; set it with KubeGuardFabric8.Builder.httpClientBuilderConsumer");
  }
}

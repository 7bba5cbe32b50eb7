package dev.kubeguard.fabric8.internal;

import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.TlsVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * Derives a {@link SharedHttpClient} from the guarded client's HTTP client. Tags and interceptors
 * may be added (fabric8 tags derived clients with their request configuration); connection
 * settings cannot, since the connections are shared: setting one fails with a message saying where
 * to configure it. Not thread-safe, like every builder.
 */
final class SharedClientBuilder implements HttpClient.Builder {

  private final HttpClient.DerivedClientBuilder derived;
  private final HttpClient owner;
  private final Guard guard;

  /** @param owner the guarded client's own HTTP client, which owns the connections */
  SharedClientBuilder(HttpClient.DerivedClientBuilder derived, HttpClient owner, Guard guard) {
    this.derived = derived;
    this.owner = owner;
    this.guard = guard;
  }

  @Override
  public HttpClient build() {
    return new SharedHttpClient(derived.build(), owner, guard);
  }

  @Override
  public SharedClientBuilder tag(Object value) {
    derived.tag(value);
    return this;
  }

  @Override
  public HttpClient.Builder addOrReplaceInterceptor(String name, Interceptor interceptor) {
    derived.addOrReplaceInterceptor(name, interceptor);
    return this;
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
    throw shared("followAllRedirects");
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

package dev.kubeguard.e2e.support;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import java.util.function.Supplier;

/** fabric8's HTTP backends, chosen explicitly (equal-priority factories would be picked at random). */
public enum Fabric8Backend {
  JDK(JdkHttpClientFactory::new),
  VERTX(VertxHttpClientFactory::new),
  OKHTTP(OkHttpClientFactory::new);

  private final Supplier<HttpClient.Factory> factory;

  Fabric8Backend(Supplier<HttpClient.Factory> factory) {
    this.factory = factory;
  }

  public HttpClient.Factory factory() {
    return factory.get();
  }
}

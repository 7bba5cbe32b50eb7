package dev.kubeguard.fabric8;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.jetty.JettyHttpClientFactory;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import java.util.function.Supplier;

/** fabric8's HTTP backends, chosen explicitly (equal-priority factories would be picked at random). */
enum Backend {
  VERTX(VertxHttpClientFactory::new),
  JDK(JdkHttpClientFactory::new),
  OKHTTP(OkHttpClientFactory::new),
  JETTY(JettyHttpClientFactory::new);

  private final Supplier<HttpClient.Factory> factory;

  Backend(Supplier<HttpClient.Factory> factory) {
    this.factory = factory;
  }

  HttpClient.Factory factory() {
    return factory.get();
  }
}

package dev.kubeguard.fabric8;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Puts a fabric8 {@code KubernetesClient} behind a KubeGuard {@link Guard}, whatever its HTTP
 * backend (Vert.x, JDK, OkHttp, Jetty):
 *
 * <pre>{@code
 * GuardedKubernetesClient k8s = KubeGuardFabric8.guard(new KubernetesClientBuilder(), guard);
 * k8s.as(identity).pods().inNamespace("shop").list();
 * }</pre>
 *
 * <p>It registers KubeGuard's interceptor on the client's HTTP client, last (after fabric8's own,
 * so token refresh keeps working, and after yours, so what it judges is what is sent), turns
 * redirect following off (a followed redirect would be sent unjudged: the caller gets the 3xx),
 * and forces watches over plain HTTP ({@code onlyHttpWatches}), the only form whose events the
 * masker can see. Request bodies are read up to the Guard's own
 * {@link Guard#maxRequestBodyBytes()}. Stateless; {@link Builder} is not thread-safe.
 * <b>Failure:</b> {@link Builder#build()} throws {@code IllegalStateException} for an invalid
 * configuration or an HTTP backend whose redirect following cannot be turned off.
 */
public final class KubeGuardFabric8 {

  /**
   * Guards the clients {@code builder} builds with {@code guard}. It replaces any
   * {@code withHttpClientBuilderConsumer} set on {@code builder}: pass yours to
   * {@link Builder#httpClientBuilderConsumer} instead.
   */
  public static GuardedKubernetesClient guard(KubernetesClientBuilder builder, Guard guard) {
    return builder(guard).clientBuilder(builder).build();
  }

  /** Guards a client built from {@code config} (a copy: {@code config} itself is not changed). */
  public static GuardedKubernetesClient guard(Config config, Guard guard) {
    return builder(guard).config(config).build();
  }

  /** Starts a configuration with more options than {@link #guard}. */
  public static Builder builder(Guard guard) {
    return new Builder(guard);
  }

  /**
   * Configures a {@link GuardedKubernetesClient}. Not thread-safe; {@link #build()} validates and
   * says what to fix.
   */
  public static final class Builder {
    private final Guard guard;
    private KubernetesClientBuilder clientBuilder;
    private Config config;
    private IdentityBinding serviceIdentity;
    private Consumer<HttpClient.Builder> httpClientBuilderConsumer = b -> {};
    private HttpClient.Factory httpClientFactory;

    private Builder(Guard guard) {
      this.guard = guard;
    }

    /** The fabric8 builder to guard (default: a new {@code KubernetesClientBuilder}). */
    public Builder clientBuilder(KubernetesClientBuilder builder) {
      this.clientBuilder = builder;
      return this;
    }

    /** The configuration to connect with (default: the builder's, else fabric8's auto-configuration). */
    public Builder config(Config config) {
      this.config = config;
      return this;
    }

    /** The HTTP backend to use instead of the one fabric8 finds on the class path. */
    public Builder httpClientFactory(HttpClient.Factory factory) {
      this.httpClientFactory = factory;
      return this;
    }

    /**
     * Your own HTTP client customization; runs before KubeGuard's interceptor is added, so your
     * interceptors run before the guard judges the request. Redirect following is turned off after
     * it, whatever it sets.
     */
    public Builder httpClientBuilderConsumer(Consumer<HttpClient.Builder> consumer) {
      this.httpClientBuilderConsumer = consumer;
      return this;
    }

    /**
     * The identity requests of {@link GuardedKubernetesClient#client()} are made for. Unset, they
     * are denied: only clients from {@link GuardedKubernetesClient#as} act.
     */
    public Builder serviceIdentity(Identity identity) {
      this.serviceIdentity = identity == null ? null : new IdentityBinding(identity, CallContext.now());
      return this;
    }

    public GuardedKubernetesClient build() {
      List<String> problems = new ArrayList<>();
      if (guard == null) problems.add("no Guard: pass one to KubeGuardFabric8.builder(guard)");
      if (httpClientBuilderConsumer == null) problems.add("httpClientBuilderConsumer must not be null");
      if (!problems.isEmpty()) {
        throw new IllegalStateException("invalid KubeGuard fabric8 configuration: " + String.join("; ", problems));
      }
      KubernetesClientBuilder b = Objects.requireNonNullElseGet(clientBuilder, KubernetesClientBuilder::new);
      if (config != null) {
        b.withConfig(config);
      }
      // Watches over WebSocket never show their events to interceptors, so they could not be masked.
      b.editOrNewConfig().withOnlyHttpWatches(true).endConfig();
      if (httpClientFactory != null) {
        b.withHttpClientFactory(httpClientFactory);
      }
      GuardInterceptor interceptor = new GuardInterceptor(guard, serviceIdentity);
      Consumer<HttpClient.Builder> theirs = httpClientBuilderConsumer;
      // Runs after fabric8's applyCommonConfiguration, which turns redirect following on.
      b.withHttpClientBuilderConsumer(h -> {
        theirs.accept(h);
        h.addOrReplaceInterceptor(GuardInterceptor.NAME, interceptor);
        Redirects.off(h);
      });
      return new GuardedKubernetesClient(b.build(), interceptor);
    }
  }

  private KubeGuardFabric8() {}
}

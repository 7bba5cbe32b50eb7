package dev.kubeguard.fabric8;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fabric8 client whose every request goes through a KubeGuard {@code Guard}, and the way to get
 * clients that act for one caller: {@link #as(Identity)}.
 *
 * <p>The identity is bound to the returned client object, not to a thread: everything that client
 * (and any client derived from it with {@code inNamespace}, {@code resources}, informers) does,
 * synchronously, asynchronously, in watches, informers and their reconnects, is judged for that
 * identity, whichever thread runs it. Requests of {@link #client()} use the service identity, if
 * one was configured, else are denied. Exec, attach and port-forward sessions of these clients are
 * recorded at their start (the handshake) and at their end (close or failure).
 *
 * <p>Only {@link #as} binds an identity. A client it hands out stays guarded and bound to that
 * identity whatever is derived from it: its {@code HttpClient.newBuilder()} refuses interceptors,
 * identity tags, redirect following and connection settings ({@code UnsupportedOperationException})
 * and puts the guard and the binding back at {@code build()}. Redirects are never followed: the
 * caller gets the 3xx.
 *
 * <p><b>Threading:</b> thread-safe; bind as many identities concurrently as needed. Bound clients
 * share this object's connections, so they are cheap to create per call. <b>Lifecycle:</b> close
 * this object once, at shutdown: that closes the connections, and every client it handed out
 * stops working. Closing a client it handed out (try-with-resources in a tool handler) is
 * harmless: it closes that client's own watches and informers, never the shared connections.
 * <b>Failure:</b> a denied request raises fabric8's 403 {@code KubernetesClientException} and is
 * never sent; a response body the Guard withholds raises a 500 one.
 */
public final class GuardedKubernetesClient implements AutoCloseable {

  private final KubernetesClient root;
  private final GuardInterceptor guard;
  private final ExecutorService boundExecutor;
  private final KubernetesClient unbound;

  GuardedKubernetesClient(KubernetesClient root, GuardInterceptor guard) {
    this.root = root;
    this.guard = guard;
    this.boundExecutor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "kubeguard-fabric8-bound");
      t.setDaemon(true);
      return t;
    });
    this.unbound = derive(null);
  }

  /** The guarded client itself: requests run as the service identity, or are denied without one. */
  public KubernetesClient client() {
    return unbound;
  }

  /** A client whose every request is made for {@code identity}. */
  public KubernetesClient as(Identity identity) {
    return as(identity, CallContext.now());
  }

  /**
   * A client whose every request is made for {@code identity}, reported with {@code context}'s
   * tool, session and correlation id (the time is each request's own).
   */
  public KubernetesClient as(Identity identity, CallContext context) {
    Objects.requireNonNull(identity, "identity: bind a verified Identity (an unbound call is denied)");
    return derive(new IdentityBinding(identity, context));
  }

  // The task executor is shared and survives a derived client's close: withTaskExecutor's
  // supplier does nothing on close.
  private KubernetesClient derive(IdentityBinding binding) {
    return new KubernetesClientBuilder()
        .withConfig(root.getConfiguration())
        .withKubernetesSerialization(root.getKubernetesSerialization())
        .withTaskExecutor(boundExecutor)
        .withHttpClientFactory(new BoundHttpClientFactory(root.getHttpClient(), binding, guard))
        .build();
  }

  /** Closes the underlying client and its connections; every client handed out stops working. */
  @Override
  public void close() {
    try {
      unbound.close();
    } finally {
      try {
        root.close();
      } finally {
        boundExecutor.shutdownNow();
      }
    }
  }
}

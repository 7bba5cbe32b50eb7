package dev.kubeguard.fabric8;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.fabric8.internal.BoundHttpClientFactory;
import dev.kubeguard.fabric8.internal.IdentityBinding;
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
 * one was configured, else are denied.
 *
 * <p><b>Threading:</b> thread-safe; bind as many identities concurrently as needed. Bound clients
 * share this client's connections, so they are cheap to create per call. <b>Lifecycle:</b> close
 * this object once, at shutdown. Do not close bound clients: as with fabric8's own derived
 * clients, closing one closes the connections every client here shares; drop them instead.
 */
public final class GuardedKubernetesClient implements AutoCloseable {

  private final KubernetesClient root;
  private final ExecutorService boundExecutor;

  GuardedKubernetesClient(KubernetesClient root) {
    this.root = root;
    this.boundExecutor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "kubeguard-fabric8-bound");
      t.setDaemon(true);
      return t;
    });
  }

  /** The guarded client itself: requests run as the service identity, or are denied without one. */
  public KubernetesClient client() {
    return root;
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
    IdentityBinding binding = new IdentityBinding(identity, context);
    return new KubernetesClientBuilder()
        .withConfig(root.getConfiguration())
        .withKubernetesSerialization(root.getKubernetesSerialization())
        .withTaskExecutor(boundExecutor)
        .withHttpClientFactory(new BoundHttpClientFactory(root.getHttpClient(), binding))
        .build();
  }

  /** Closes the underlying client and its connections; bound clients stop working. */
  @Override
  public void close() {
    try {
      root.close();
    } finally {
      boundExecutor.shutdownNow();
    }
  }
}

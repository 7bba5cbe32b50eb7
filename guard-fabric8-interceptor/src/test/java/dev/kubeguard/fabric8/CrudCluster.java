package dev.kubeguard.fabric8;

import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * fabric8's mock API server in CRUD mode, started for one test, and the guarded clients built
 * against it (namespace {@code shop}, no retries); {@link #close} stops them all. Not thread-safe.
 */
final class CrudCluster implements AutoCloseable {

  final KubernetesMockServer server;
  private final List<GuardedKubernetesClient> clients = new ArrayList<>();

  private CrudCluster() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init();
  }

  static CrudCluster start() {
    return new CrudCluster();
  }

  /** A client guarded by {@code guard} on {@code backend}, configured further by {@code more}. */
  GuardedKubernetesClient guarded(Guard guard, Backend backend, UnaryOperator<KubeGuardFabric8.Builder> more) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace("shop")
        .withRequestRetryBackoffLimit(0).build();
    GuardedKubernetesClient c = more.apply(KubeGuardFabric8.builder(guard).config(config).httpClientFactory(backend.factory())).build();
    clients.add(c);
    return c;
  }

  /** As {@link #guarded(Guard, Backend, UnaryOperator)} with nothing more configured. */
  GuardedKubernetesClient guarded(Guard guard, Backend backend) {
    return guarded(guard, backend, b -> b);
  }

  @Override
  public void close() {
    clients.forEach(GuardedKubernetesClient::close);
    server.destroy();
  }
}

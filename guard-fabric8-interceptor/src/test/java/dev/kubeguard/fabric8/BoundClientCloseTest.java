package dev.kubeguard.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Clients handed out by a GuardedKubernetesClient share its connections; closing one must not close them. */
class BoundClientCloseTest {

  private CrudCluster cluster;
  private KubernetesMockServer server;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private GuardedKubernetesClient guarded(Backend backend) {
    cluster = CrudCluster.start();
    server = cluster.server;
    Guard guard = Guard.builder()
        .policy(q -> Decision.allow("all", "tests").withObligations(Obligations.defaults().withMaskingProfile("none")))
        .build();
    return cluster.guarded(guard, backend, b -> b.serviceIdentity(Identity.serviceAccount("ops", "mcp")));
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", "v").build();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void closingABoundClientLeavesEveryOtherClientWorking(Backend backend) throws Exception {
    GuardedKubernetesClient k8s = guarded(backend);
    KubernetesClient bob = k8s.as(Identity.of("bob"));
    KubernetesClient alice;

    // What a tool handler does with the client it was given.
    try (KubernetesClient handler = k8s.as(Identity.of("alice"))) {
      alice = handler;
      handler.configMaps().resource(configMap("a")).create();
      // Its async work runs on the shared task executor, which must survive the close too.
      handler.configMaps().withName("a").informOnCondition(l -> !l.isEmpty()).get(10, TimeUnit.SECONDS);
    }
    try (KubernetesClient unbound = k8s.client()) {
      unbound.configMaps().resource(configMap("b")).create();
    }

    assertThat(alice.getHttpClient().isClosed()).isTrue();
    assertThat(bob.getHttpClient().isClosed()).isFalse();
    assertThat(bob.configMaps().list().getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("a", "b");
    assertThat(k8s.client().configMaps().withName("a").get()).isNotNull();
    assertThat(k8s.as(Identity.of("carol")).configMaps().withName("a").informOnCondition(l -> !l.isEmpty())
        .get(10, TimeUnit.SECONDS)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void closingTheGuardedClientClosesTheSharedConnections(Backend backend) {
    GuardedKubernetesClient k8s = guarded(backend);
    KubernetesClient bob = k8s.as(Identity.of("bob"));
    bob.configMaps().resource(configMap("a")).create();

    k8s.close();

    assertThat(bob.getHttpClient().isClosed()).isTrue();
    assertThat(k8s.client().getHttpClient().isClosed()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aBoundClientRefusesConnectionSettingsItCannotHaveAlone(Backend backend) {
    KubernetesClient bob = guarded(backend).as(Identity.of("bob"));
    assertThatThrownBy(() -> ((io.fabric8.kubernetes.client.http.HttpClient.Builder) bob.getHttpClient().newBuilder())
        .connectTimeout(1, TimeUnit.SECONDS))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("httpClientBuilderConsumer");
  }
}

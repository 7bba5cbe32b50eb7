package dev.kubeguard.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Code holding a client bound to bob cannot get an unguarded client out of it, nor one acting as
 * someone else: every client derived from it, through its {@code HttpClient}'s builder or
 * {@code adapt}, is still judged, and judged as bob. Against fabric8's mock API server (CRUD mode).
 */
class DerivedClientTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final Identity ADMIN = Identity.of("admin", "system:masters");

  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
  private CrudCluster cluster;
  private KubernetesMockServer server;
  private GuardedKubernetesClient guarded;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Only reads are allowed, so a write that reaches the server went out unjudged. */
  private KubernetesClient bob(Backend backend) {
    cluster = CrudCluster.start();
    server = cluster.server;
    Guard guard = Guard.builder().policy(q -> {
      asked.add(q);
      return q.attributes().verb().equals("create")
          ? Decision.deny("read-only", "bob only reads")
          : Decision.allow("reads", "ok").withObligations(Obligations.defaults().withMaskingProfile("none"));
    }).build();
    guarded = cluster.guarded(guard, backend);
    return guarded.as(BOB, CallContext.forTool("list_pods", "session-1"));
  }

  private static final String CREATE_BODY = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}";

  private Throwable createThrough(HttpClient http) {
    return catchThrowable(() -> {
      try {
        http.sendAsync(http.newHttpRequestBuilder().uri(server.url("/api/v1/namespaces/shop/configmaps"))
            .post("application/json", CREATE_BODY).build(), String.class).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw e.getCause();
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void derivedHttpClientCannotReplaceTheGuardInterceptor(Backend backend) {
    KubernetesClient bob = bob(backend);
    Interceptor noop = new Interceptor() {};

    assertThatThrownBy(() -> bob.getHttpClient().newBuilder().addOrReplaceInterceptor(GuardInterceptor.NAME, noop))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("httpClientBuilderConsumer");
    assertThatThrownBy(() -> bob.getHttpClient().newBuilder().addOrReplaceInterceptor("LATER", noop))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void derivedHttpClientIsStillJudgedAsTheSameIdentity(Backend backend) {
    KubernetesClient bob = bob(backend);
    HttpClient derived = bob.getHttpClient().newBuilder().tag(new Object()).build();

    Throwable denied = createThrough(derived);

    assertThat(denied).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThat(server.getRequestCount()).isZero();
    assertThat(asked).singleElement().satisfies(q -> {
      assertThat(q.identity().user()).isEqualTo("bob");
      assertThat(q.context().tool()).isEqualTo("list_pods");
    });
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void derivedHttpClientCannotBeReboundToAnotherIdentity(Backend backend) {
    KubernetesClient bob = bob(backend);

    assertThatThrownBy(() -> bob.getHttpClient().newBuilder().tag(new IdentityBinding(ADMIN, CallContext.now())))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("GuardedKubernetesClient.as");
    assertThatThrownBy(() -> guarded.client().getHttpClient().newBuilder().tag(new IdentityBinding(ADMIN, CallContext.now())))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(asked).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void derivedHttpClientNeverFollowsRedirects(Backend backend) {
    KubernetesClient bob = bob(backend);

    assertThatThrownBy(() -> ((HttpClient.Builder) bob.getHttpClient().newBuilder()).followAllRedirects())
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("unjudged");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void adaptedAndRenamespacedClientsStayGuardedAsTheSameIdentity(Backend backend) {
    KubernetesClient bob = bob(backend);
    NamespacedKubernetesClient adapted = bob.adapt(NamespacedKubernetesClient.class).inNamespace("other");

    adapted.configMaps().list();
    Throwable denied = catchThrowable(() -> adapted.configMaps()
        .resource(new ConfigMapBuilder().withNewMetadata().withName("x").endMetadata().build()).create());
    Throwable deniedRaw = createThrough(adapted.getHttpClient().newBuilder().build());

    assertThat(denied).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThat(deniedRaw).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(asked).hasSize(3).allSatisfy(q -> assertThat(q.identity().user()).isEqualTo("bob"));
  }
}

package dev.kubeguard.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the Guard judges is what reaches the server, on every backend: paths a client would rewrite
 * (dot segments) are refused before sending, and a redirect is handed to the caller, never followed
 * unjudged. Against fabric8's mock API server in expectations mode, which records every request.
 */
class JudgedIsSentTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final String SECRET = "/api/v1/namespaces/shop/secrets/db";
  private static final String OTHER_SECRET = "/api/v1/namespaces/kube-system/secrets/admin";

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
  private KubernetesMockServer server;
  private GuardedKubernetesClient guarded;

  @AfterEach
  void stop() {
    if (guarded != null) {
      guarded.close();
    }
    if (server != null) {
      server.destroy();
    }
  }

  /** Bob may read anything; the mock serves a secret at every path it is asked for. */
  private KubernetesClient bob(Backend backend) {
    server = new KubernetesMockServer(false);
    server.init();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace("shop")
        .withRequestRetryBackoffLimit(0).build();
    Guard guard = Guard.builder().policy(q -> {
      asked.add(q);
      return Decision.allow("reads", "reads are fine").withObligations(Obligations.defaults().withMaskingProfile("none"));
    }).recorder(events::add).build();
    guarded = KubeGuardFabric8.builder(guard).config(config).httpClientFactory(backend.factory()).build();
    return guarded.as(BOB);
  }

  private void serveSecretsEverywhere() {
    server.expect().get().withPath(OTHER_SECRET)
        .andReturn(200, new SecretBuilder().withNewMetadata().withName("admin").endMetadata().build()).always();
  }

  private List<String> served() throws InterruptedException {
    List<String> paths = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      var r = server.takeRequest(1, TimeUnit.SECONDS);
      if (r != null) {
        paths.add(r.getPath());
      }
    }
    return paths;
  }

  private void assertForbiddenOnceAndNothingSent(KubernetesClientException e) throws InterruptedException {
    assertThat(e).isNotNull();
    assertThat(e.getCode()).isEqualTo(403);
    assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
    assertThat(e.getStatus().getMessage()).contains("'.' or '..' segment");
    assertThat(server.getRequestCount()).isZero();
    assertThat(served()).isEmpty();
    assertThat(events).singleElement().satisfies(ev -> {
      assertThat(ev.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(ev.responseStatus().code()).isEqualTo(403);
      assertThat(ev.user().user()).isEqualTo("bob");
    });
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void nameClimbingOutOfItsNamespaceWithDotDotIsForbiddenAndNeverSent(Backend backend) throws Exception {
    KubernetesClient bob = bob(backend);
    serveSecretsEverywhere();

    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> bob.secrets().withName("x/../../../kube-system/secrets/admin").get());

    assertForbiddenOnceAndNothingSent(e);
    assertThat(asked).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void nameThatIsTwoDotsIsForbiddenAndNeverSent(Backend backend) throws Exception {
    KubernetesClient bob = bob(backend);
    serveSecretsEverywhere();

    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> bob.secrets().withName("..").get());

    assertForbiddenOnceAndNothingSent(e);
  }

  static Stream<Arguments> everyRawDotSegmentPathOnEveryBackend() {
    return Stream.of(Backend.values()).flatMap(b -> Stream.of(
        Arguments.of(b, "/api/v1/namespaces/kube-system/./secrets/admin"),
        Arguments.of(b, "/api/v1/namespaces/shop/pods/x/../../../kube-system/secrets/admin")));
  }

  @ParameterizedTest
  @MethodSource("everyRawDotSegmentPathOnEveryBackend")
  void rawPathWithADotSegmentIsForbiddenAndNeverSent(Backend backend, String path) throws Exception {
    KubernetesClient bob = bob(backend);
    serveSecretsEverywhere();

    KubernetesClientException e = rawGet(bob, path);

    assertForbiddenOnceAndNothingSent(e);
  }

  private KubernetesClientException rawGet(KubernetesClient client, String path) throws Exception {
    HttpClient http = client.getHttpClient();
    try {
      http.sendAsync(http.newHttpRequestBuilder().uri(server.url(path)).build(), String.class).get(10, TimeUnit.SECONDS);
      return null;
    } catch (KubernetesClientException e) {
      return e;
    } catch (ExecutionException e) {
      return e.getCause() instanceof KubernetesClientException k ? k : null;
    }
  }

  static Stream<Arguments> everyRedirectOnEveryBackend() {
    return Stream.of(Backend.values())
        .flatMap(b -> Stream.of(301, 302, 303, 307, 308).map(code -> Arguments.of(b, code)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("everyRedirectOnEveryBackend")
  void redirectReachesTheCallerAsSentAndIsNeverFollowed(Backend backend, int code) throws Exception {
    KubernetesClient bob = bob(backend);
    serveSecretsEverywhere();
    server.expect().get().withPath(SECRET).andReturn(code, "").withHeader("Location", server.url(OTHER_SECRET)).always();
    HttpClient http = bob.getHttpClient();

    HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder().uri(server.url(SECRET)).build(), String.class)
        .get(10, TimeUnit.SECONDS);

    assertThat(response.code()).isEqualTo(code);
    assertThat(response.header("Location")).isEqualTo(server.url(OTHER_SECRET));
    assertThat(served()).containsExactly(SECRET);
    assertThat(asked).extracting(q -> q.attributes().name()).containsExactly("db");
    awaitResponseComplete();
    assertThat(events).filteredOn(e -> e.stage() == AuditEvent.Stage.ResponseComplete).singleElement()
        .satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(code));
  }

  /**
   * An empty body ends on an I/O thread, which may record it after the caller saw the response
   * (the Guard hands the event to its recorder pool), so wait for it rather than race it.
   */
  private void awaitResponseComplete() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && events.stream().noneMatch(e -> e.stage() == AuditEvent.Stage.ResponseComplete)) {
      Thread.sleep(20);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void typedGetAnsweredWithARedirectFailsWithTheRedirectInsteadOfReadingAnotherSecret(Backend backend) throws Exception {
    KubernetesClient bob = bob(backend);
    serveSecretsEverywhere();
    server.expect().get().withPath(SECRET).andReturn(302, "").withHeader("Location", server.url(OTHER_SECRET)).always();

    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () -> bob.secrets().withName("db").get());

    assertThat(e).isNotNull();
    assertThat(e.getCode()).isEqualTo(302);
    assertThat(served()).containsExactly(SECRET);
  }

  @Test
  void backendWhoseRedirectFollowingCannotBeTurnedOffIsRefusedAtBuild() {
    // A backend whose builder is not fabric8's StandardHttpClientBuilder (here: a proxy in front
    // of the JDK one): nothing can be known about whether it follows redirects.
    HttpClient.Factory jdk = new JdkHttpClientFactory();
    HttpClient.Factory opaque = () -> {
      HttpClient.Builder real = jdk.newBuilder();
      return (HttpClient.Builder) Proxy.newProxyInstance(HttpClient.Builder.class.getClassLoader(),
          new Class<?>[] {HttpClient.Builder.class}, (proxy, method, args) -> {
            try {
              Object r = method.invoke(real, args);
              return r == real ? proxy : r;
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    };
    Guard guard = Guard.builder().policy(q -> Decision.allow()).build();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:1").build();

    assertThatThrownBy(() -> KubeGuardFabric8.builder(guard).config(config).httpClientFactory(opaque).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot turn off redirect following")
        .hasMessageContaining("unjudged");
  }
}

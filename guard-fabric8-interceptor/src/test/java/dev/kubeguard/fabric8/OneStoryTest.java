package dev.kubeguard.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One request, one story: whatever refuses a request (the Guard's body limit, a body the adapter
 * cannot read, a WebSocket watch the masker could not see), the caller gets fabric8's 403,
 * nothing reaches the server, and the audit trail holds exactly that one 403, with the call's
 * tool and session. Against fabric8's mock API server (CRUD mode), on each backend.
 */
class OneStoryTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final int LIMIT = 1024;
  private static final String CONFIGMAPS = "/api/v1/namespaces/shop/configmaps";

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private CrudCluster cluster;
  private KubernetesMockServer server;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Everything is allowed, masked with the default profile, request bodies up to {@link #LIMIT}. */
  private KubernetesClient bob(Backend backend) {
    cluster = CrudCluster.start();
    server = cluster.server;
    Guard guard = Guard.builder().maxRequestBodyBytes(LIMIT)
        .policy(q -> Decision.allow("all", "ok").withObligations(Obligations.defaults()))
        .recorder(events::add).build();
    return cluster.guarded(guard, backend).as(BOB, CallContext.forTool("apply_config", "session-7"));
  }

  private void assertOneForbiddenStoryAndNothingSent(Throwable failure, String why) {
    assertThat(failure).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).isEqualTo(403);
      assertThat(e.getStatus().getMessage()).contains(why);
    });
    assertThat(server.getRequestCount()).isZero();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().code()).isEqualTo(403);
      assertThat(e.responseStatus().message()).contains(why);
      assertThat(e.user().user()).isEqualTo("bob");
      assertThat(e.annotations()).containsEntry("kubeguard.dev/tool", "apply_config")
          .containsEntry("kubeguard.dev/session", "session-7");
    });
  }

  private Throwable post(KubernetesClient client, InputStream body, long length) {
    HttpClient http = client.getHttpClient();
    return catchThrowable(() -> {
      try {
        http.sendAsync(http.newHttpRequestBuilder().uri(server.url(CONFIGMAPS))
            .method("POST", "application/json", body, length).build(), String.class).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw e.getCause();
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void oversizedObjectIsOneForbiddenEventAndNeverSent(Backend backend) {
    KubernetesClient bob = bob(backend);
    ConfigMap big = new ConfigMapBuilder().withNewMetadata().withName("big").endMetadata()
        .addToData("blob", "x".repeat(LIMIT * 2)).build();

    Throwable failure = catchThrowable(() -> bob.configMaps().resource(big).create());

    assertOneForbiddenStoryAndNothingSent(failure, "exceeds the guard's limit of " + LIMIT);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void oversizedStreamedBodyIsOneForbiddenEventAndNeverSent(Backend backend) {
    KubernetesClient bob = bob(backend);
    byte[] body = ("{\"kind\":\"ConfigMap\",\"data\":{\"blob\":\"" + "x".repeat(LIMIT * 4) + "\"}}").getBytes();

    Throwable failure = post(bob, new ByteArrayInputStream(body), body.length);

    assertOneForbiddenStoryAndNothingSent(failure, "exceeds the guard's limit of " + LIMIT);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void unreadableBodyIsOneForbiddenEventAndNeverSent(Backend backend) {
    KubernetesClient bob = bob(backend);
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk went away");
      }
    };

    Throwable failure = post(bob, broken, 10);

    assertOneForbiddenStoryAndNothingSent(failure, "request body stream could not be read");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void watchOverWebSocketUnderMaskingIsOneForbiddenEventAndNeverSent(Backend backend) {
    KubernetesClient bob = bob(backend);
    // Someone turns HTTP watches back off on the shared configuration.
    bob.getConfiguration().setOnlyHttpWatches(false);

    Throwable failure = catchThrowable(() -> bob.configMaps().watch(new Watcher<ConfigMap>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {}

      @Override
      public void onClose(WatcherException cause) {}
    }));

    // fabric8 wraps a failed WebSocket handshake; the Guard's 403 is its cause.
    KubernetesClientException forbidden = null;
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() == 403) {
        forbidden = k;
      }
    }
    assertOneForbiddenStoryAndNothingSent(forbidden, "cannot be masked");
  }
}

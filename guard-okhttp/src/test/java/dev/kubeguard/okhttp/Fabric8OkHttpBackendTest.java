package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.Guard;
import dev.kubeguard.testkit.MarkerMasker;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** fabric8's OkHttp backend (kubernetes-httpclient-okhttp 7.8.0) with the interceptor in its OkHttp client. */
class Fabric8OkHttpBackendTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);

  private final MockWebServer server = new MockWebServer();
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private KubernetesClient client(PolicyEngine policy) {
    Guard guard = Guard.builder().policy(q -> { asked.add(q); return policy.decide(q); }).masker(new MarkerMasker()).build();
    GuardInterceptor interceptor = GuardInterceptor.builder(guard).identity(BOB).build();
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl(server.url("/").toString()).withNamespace("shop")
            .withOauthToken("sa-token-123").withRequestRetryBackoffLimit(0).build())
        .withHttpClientFactory(new OkHttpClientFactory() {
          @Override
          protected void additionalConfig(OkHttpClient.Builder builder) {
            // fabric8 follows redirects by default; a guarded client must not (see GuardInterceptor).
            builder.addInterceptor(interceptor).followRedirects(false).followSslRedirects(false);
          }
        })
        .build();
  }

  @Test
  void getsASecretMaskedAndTheTokenNeverReachesThePolicy() throws Exception {
    server.enqueue(CapturedResponses.json("secret-get.json"));

    try (KubernetesClient kc = client(q -> Decision.allow())) {
      Secret secret = kc.secrets().inNamespace("shop").withName("db-creds").get();

      assertThat(secret.getMetadata().getAnnotations().get("kubectl.kubernetes.io/last-applied-configuration"))
          .doesNotContain(MarkerMasker.MARKER).contains(MarkerMasker.REPLACEMENT);
    }
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer sa-token-123");
    assertThat(sent.getHeaders().get("Audit-ID")).isNotBlank();
    assertThat(asked).singleElement().satisfies(q -> {
      assertThat(q.request().header("Authorization")).isNull();
      assertThat(q.attributes().verb()).isEqualTo("get");
      assertThat(q.attributes().resource()).isEqualTo("secrets");
    });
  }

  @Test
  void listsSecretsMasked() throws Exception {
    server.enqueue(CapturedResponses.json("secret-list.json"));

    try (KubernetesClient kc = client(q -> Decision.allow())) {
      SecretList list = kc.secrets().inNamespace("shop").list();

      assertThat(list.getItems()).isNotEmpty()
          .allSatisfy(s -> assertThat(String.valueOf(s.getMetadata().getAnnotations())).doesNotContain(MarkerMasker.MARKER));
    }
  }

  @Test
  void denialRaisesFabric8sForbiddenExceptionAndSendsNothing() {
    try (KubernetesClient kc = client(q -> Decision.deny("no-secrets", "secrets are off limits"))) {
      KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
          () -> kc.secrets().inNamespace("shop").withName("db-creds").get());

      assertThat(e.getCode()).isEqualTo(403);
      assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
      assertThat(e.getStatus().getMessage()).contains("secrets are off limits (rule \"no-secrets\")");
    }
    assertThat(server.getRequestCount()).isZero();
  }
}

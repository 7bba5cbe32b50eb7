package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.testkit.MarkerMasker;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import java.io.IOException;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official Kubernetes Java client (io.kubernetes:client-java 27, OkHttp 5, gson) through the guard. */
class OfficialKubernetesClientTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CoreV1Api api(Guard guard) {
    ApiClient client = new ApiClient();
    client.setBasePath(server.url("/").toString().replaceAll("/$", ""));
    client.setHttpClient(GuardedOkHttp.forIdentity(client.getHttpClient(), guard, BOB));
    return new CoreV1Api(client);
  }

  private static Guard guard(Decision decision) {
    return Guard.builder().policy(q -> decision).masker(new MarkerMasker()).build();
  }

  @Test
  void readsASecretWhoseBodyWasMaskedOnTheWayAndStillParses() throws Exception {
    server.enqueue(CapturedResponses.json("secret-get.json"));

    V1Secret secret = api(guard(Decision.allow())).readNamespacedSecret("db-creds", "shop").execute();

    assertThat(secret.getMetadata().getName()).isEqualTo("db-creds");
    assertThat(secret.getMetadata().getAnnotations().get("kubectl.kubernetes.io/last-applied-configuration"))
        .doesNotContain(MarkerMasker.MARKER).contains(MarkerMasker.REPLACEMENT);
    // Secret data is still base64 the client decodes into bytes.
    assertThat(secret.getData()).isNotEmpty();
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getTarget()).isEqualTo("/api/v1/namespaces/shop/secrets/db-creds");
    assertThat(sent.getHeaders().get("Audit-ID")).isNotBlank();
    assertThat(sent.getHeaders().get("Accept")).isEqualTo("application/json");
  }

  @Test
  void listsSecretsThroughTheGuard() throws Exception {
    server.enqueue(CapturedResponses.json("secret-list.json"));

    V1SecretList list = api(guard(Decision.allow())).listNamespacedSecret("shop").execute();

    assertThat(list.getItems()).isNotEmpty();
    assertThat(list.getItems()).allSatisfy(s -> assertThat(String.valueOf(s.getMetadata().getAnnotations())).doesNotContain(MarkerMasker.MARKER));
  }

  @Test
  void denialRaisesTheClientsUsualForbiddenApiExceptionAndSendsNothing() {
    ApiException e = catchThrowableOfType(ApiException.class,
        () -> api(guard(Decision.deny("no-secrets", "secrets are off limits"))).readNamespacedSecret("db-creds", "shop").execute());

    assertThat(e.getCode()).isEqualTo(403);
    assertThat(e.getResponseBody()).contains("\"reason\":\"Forbidden\"").contains("secrets are off limits (rule \\\"no-secrets\\\")");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void podListWithALiteralPasswordInTheEnvironmentIsMaskedForTheClient() throws Exception {
    String podList = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
        + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"shop:1\",\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\""
        + MarkerMasker.MARKER + "\"}]}]}}]}";
    server.enqueue(new mockwebserver3.MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .body(podList).build());

    var pods = api(guard(Decision.allow())).listNamespacedPod("shop").execute();

    assertThat(pods.getItems().get(0).getSpec().getContainers().get(0).getEnv().get(0).getValue())
        .isEqualTo(MarkerMasker.REPLACEMENT);
    assertThat(server.takeRequest().getTarget()).isEqualTo("/api/v1/namespaces/shop/pods");
  }
}

package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.testkit.MarkerMasker;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The [exchange] findings on OkHttp: nothing reaches a server that the Guard did not judge. */
class JudgedIsSentTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final String CONFIGMAP = "/api/v1/namespaces/shop/configmaps/settings";
  private static final String ELSEWHERE = "/api/v1/namespaces/kube-system/secrets/db";

  private final MockWebServer server = new MockWebServer();
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
  private final Guard guard = Guard.builder().policy(q -> {
    asked.add(q);
    return Decision.allow();
  }).recorder(events::add).masker(new MarkerMasker()).build();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void clientThatFollowsRedirectsIsRefusedSayingHowToFixItAndSendsNothing() throws Exception {
    OkHttpClient wiredByHand = new OkHttpClient.Builder()
        .addInterceptor(GuardInterceptor.builder(guard).identity(BOB).build()).build();

    try (Response r = wiredByHand.newCall(new Request.Builder().url(server.url(CONFIGMAP)).build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).contains("\"reason\":\"Forbidden\"").contains("followRedirects(false)");
    }
    assertThat(server.getRequestCount()).isZero();
    assertThat(events).singleElement().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(403));
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void redirectReachesTheCallerAsTheServerSentItAndIsNeverFollowed(int code) throws Exception {
    server.enqueue(new MockResponse.Builder().code(code).setHeader("Location", server.url(ELSEWHERE).toString())
        .setHeader("Content-Type", "application/json").body("{}").build());
    OkHttpClient bobs = GuardedOkHttp.forIdentity(new OkHttpClient(), guard, BOB);

    try (Response r = bobs.newCall(new Request.Builder().url(server.url(CONFIGMAP)).build()).execute()) {
      assertThat(r.code()).isEqualTo(code);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo(CONFIGMAP);
    assertThat(asked).extracting(q -> q.request().rawPath()).containsExactly(CONFIGMAP);
  }

  @Test
  void dotSegmentsAreResolvedByOkHttpBeforeTheGuardSoWhatIsJudgedIsWhatIsSent() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body("{}").build());
    OkHttpClient bobs = GuardedOkHttp.forIdentity(new OkHttpClient(), guard, BOB);

    String tricky = "/api/v1/namespaces/shop/configmaps/x/../../../kube-system/secrets/db";
    try (Response r = bobs.newCall(new Request.Builder().url(server.url(tricky)).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
    String sent = server.takeRequest().getUrl().encodedPath();
    assertThat(asked).extracting(q -> q.request().rawPath()).containsExactly(sent);
  }

  @Test
  void webSocketWatchUnderMaskingIsRefusedBeforeTheHandshakeAsOneDenial() throws Exception {
    CompletableFuture<Response> failed = new CompletableFuture<>();
    OkHttpClient bobs = GuardedOkHttp.forIdentity(new OkHttpClient(), guard, BOB);

    bobs.newWebSocket(new Request.Builder().url(server.url("/api/v1/namespaces/shop/secrets?watch=true")).build(),
        new WebSocketListener() {
          @Override
          public void onFailure(WebSocket ws, Throwable t, Response response) {
            failed.complete(response);
          }
        });

    Response response = failed.get(10, TimeUnit.SECONDS);
    assertThat(response.code()).isEqualTo(403);
    assertThat(server.getRequestCount()).isZero();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().code()).isEqualTo(403);
      assertThat(e.responseStatus().message()).contains("cannot be masked");
    });
  }
}

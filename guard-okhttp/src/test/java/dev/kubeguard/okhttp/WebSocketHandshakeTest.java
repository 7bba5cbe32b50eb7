package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

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

/** exec over WebSocket, as the official client and fabric8 open it: judged at the handshake. */
class WebSocketHandshakeTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final String EXEC = "/api/v1/namespaces/shop/pods/web/exec?command=sh&stdin=true&stdout=true&tty=true";

  private final MockWebServer server = new MockWebServer();
  private final List<String> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OkHttpClient client(Decision decision) {
    Guard g = Guard.builder().masker(new MarkerMasker()).policy(q -> {
      asked.add(q.attributes().verb() + " " + q.attributes().combinedResource());
      return decision;
    }).build();
    return GuardedOkHttp.forIdentity(new OkHttpClient(), g, BOB);
  }

  @Test
  void deniedExecHandshakeNeverConnectsAndIsJudgedAsCreate() throws Exception {
    CompletableFuture<Response> failed = new CompletableFuture<>();

    client(Decision.deny("no-exec", "no shells in shop")).newWebSocket(
        new Request.Builder().url(server.url(EXEC)).build(), new WebSocketListener() {
          @Override
          public void onFailure(WebSocket ws, Throwable t, Response response) {
            failed.complete(response);
          }
        });

    Response response = failed.get(10, TimeUnit.SECONDS);
    assertThat(response.code()).isEqualTo(403);
    assertThat(asked).containsExactly("create pods/exec");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void allowedExecHandshakeOpensTheSocketWithTheAuditId() throws Exception {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
      @Override
      public void onOpen(WebSocket ws, Response response) {
        ws.send("uid=0(root)");
      }

      @Override
      public void onClosing(WebSocket ws, int code, String reason) {
        ws.close(1000, null);
      }
    }).build());
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    CompletableFuture<String> firstFrame = new CompletableFuture<>();

    WebSocket ws = client(Decision.allow("exec-ok", "debugging allowed")).newWebSocket(
        new Request.Builder().url(server.url(EXEC)).build(), new WebSocketListener() {
          @Override
          public void onMessage(WebSocket ws, String text) {
            firstFrame.complete(text);
          }

          @Override
          public void onClosed(WebSocket ws, int code, String reason) {
            closed.complete(code);
          }

          @Override
          public void onFailure(WebSocket ws, Throwable t, Response response) {
            firstFrame.completeExceptionally(t);
            closed.completeExceptionally(t);
          }
        });

    // Frames are not masked: the Guard sees only the handshake (documented).
    assertThat(firstFrame.get(10, TimeUnit.SECONDS)).isEqualTo("uid=0(root)");
    ws.close(1000, null);
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    assertThat(asked).containsExactly("create pods/exec");
    var handshake = server.takeRequest();
    assertThat(handshake.getHeaders().get("Upgrade")).isEqualTo("websocket");
    assertThat(handshake.getHeaders().get("Audit-ID")).isNotBlank();
  }
}

package dev.kubeguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire recorder records whatever request line a client writes, including the ones the JDK
 * server behind {@link FixtureApiServer} answers unrecorded. Requests go out on a raw socket, so
 * nothing sits between the test and the bytes it checks.
 */
class WireRecorderTest {

  private final WireRecorder wire = start();

  private static WireRecorder start() {
    try {
      return WireRecorder.start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stop() {
    wire.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"//", "//?watch=true"})
  void recordsATargetOfTwoSlashesThatTheFixtureServerCannotSee(String target) throws IOException {
    String request = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    String answer = exchange(wire, request);

    assertThat(answer).startsWith("HTTP/1.1 404 Not Found").endsWith(Fixtures.string("status-404-notfound.json"));
    assertThat(wire.requests()).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.uri()).isEqualTo(target);
    });
    try (FixtureApiServer fixtures = FixtureApiServer.start()) {
      // the JDK server's own HTML page (400 for "//", no context for "//?..."), no handler ran
      assertThat(exchangeOn(fixtures.uri().getPort(), request)).contains("Content-Type: text/html");
      assertThat(fixtures.count()).as("why the recorder exists").isZero();
    }
  }

  @Test
  void recordsEveryRequestOnAKeptAliveConnectionWithItsBodyAndEchoesTheAuditId() throws IOException {
    String answers = exchange(wire,
        "DELETE /api/v1/namespaces/shop/configmaps/a HTTP/1.1\r\nHost: x\r\nAudit-ID: one\r\n\r\n"
            + "POST /api/v1/namespaces/shop/configmaps HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
            + "PUT /x/%2e%2e/\u00e9 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
            + "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(answers.split("HTTP/1.1 404 Not Found", -1)).hasSize(5);
    assertThat(answers).contains("Audit-Id: one\r\n");
    assertThat(wire.requests()).extracting(r -> r.method() + " " + r.uri() + " " + new String(r.body(), StandardCharsets.UTF_8))
        .containsExactly(
            "DELETE /api/v1/namespaces/shop/configmaps/a ",
            "POST /api/v1/namespaces/shop/configmaps {}",
            "PUT /x/%2e%2e/\u00e9 abcde",
            "GET /last ");
    assertThat(wire.requests().get(0).header("audit-id")).isEqualTo("one");
  }

  @Test
  void recordsARequestLineThatIsNotThreePartsWholeAsItsMethod() throws IOException {
    exchange(wire, "GET /a b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); // a raw space: two targets?

    assertThat(wire.requests()).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.uri()).isEqualTo("/a b");
    });

    try (WireRecorder other = WireRecorder.start()) {
      exchange(other, "NONSENSE\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(other.requests()).singleElement().satisfies(r -> {
        assertThat(r.method()).isEqualTo("NONSENSE");
        assertThat(r.uri()).isEmpty();
      });
    }
  }

  @Test
  void answersAnHttpClientWithTheNotFoundStatus() throws Exception {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(wire.uri().resolve("/api/v1/namespaces/shop/configmaps/app-config")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo(Fixtures.string("status-404-notfound.json"));
    assertThat(wire.requests()).singleElement()
        .satisfies(q -> assertThat(q.uri()).isEqualTo("/api/v1/namespaces/shop/configmaps/app-config"));
  }

  private static String exchange(WireRecorder w, String request) throws IOException {
    return exchangeOn(w.uri().getPort(), request);
  }

  private static String exchangeOn(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      return answer.toString(StandardCharsets.UTF_8);
    }
  }
}

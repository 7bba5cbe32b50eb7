package dev.kubeguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixture server records what arrived on the wire. Requests are written on a raw socket, so
 * no HTTP client sits between the test and the bytes it checks.
 */
class FixtureApiServerTest {

  private final FixtureApiServer server = startServer();

  private static FixtureApiServer startServer() {
    try {
      return FixtureApiServer.start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/api/v1/namespaces/shop/configmaps/x/../../../kube-system/secrets/db",
      "/api/v1/namespaces/shop/configmaps/%2e%2E/.%2e/x",
      "//api/v1/namespaces//configmaps/a%2Fb%252Fc;d+e~f/",
      "/api/v1/namespaces/shop/configmaps/%C3%A9t%C3%A9%20x?fieldSelector=metadata.name%3D..&q=a+b;c",
      "/api/v1/namespaces/shop/configmaps/settings?",
  })
  void recordsTheRequestTargetExactlyAsSent(String target) throws IOException {
    String response = exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 404");
    assertThat(server.requests()).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.uri()).isEqualTo(target);
    });
  }

  @Test
  void recordsRawUtf8InTheTargetAsTheCharactersItEncodes() throws IOException {
    exchange("GET /api/v1/namespaces/shop/configmaps/\u00e9t\u00e9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(server.requests()).singleElement()
        .satisfies(r -> assertThat(r.uri()).isEqualTo("/api/v1/namespaces/shop/configmaps/\u00e9t\u00e9"));
  }

  @Test
  void recordsMethodHeadersAndBody() throws IOException {
    exchange("POST /api/v1/namespaces/shop/configmaps HTTP/1.1\r\nHost: x\r\nAudit-ID: abc\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

    assertThat(server.requests()).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.header("audit-id")).isEqualTo("abc");
      assertThat(r.body()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
      assertThat(r.path()).isEqualTo("/api/v1/namespaces/shop/configmaps");
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void redirectRouteAnswersItsCodeWithAnAbsoluteLocationIntoKubeSystem(int code) throws IOException {
    for (String method : new String[] {"GET", "DELETE"}) {
      String response = exchange(method + " " + FixtureApiServer.redirectPath(code) + "?x=1 HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n");

      assertThat(response).startsWith("HTTP/1.1 " + code)
          .containsIgnoringCase("Location: " + server.uri() + "/api/v1/namespaces/kube-system/secrets/db\r\n")
          .contains("\"kind\":\"Status\"");
    }
    assertThat(server.count()).isEqualTo(2);
  }

  @Test
  void redirectRoutesExistOnlyForTheRedirectCodes() {
    assertThat(FixtureApiServer.REDIRECT_CODES).containsExactly(301, 302, 303, 307, 308);
    assertThatThrownBy(() -> FixtureApiServer.redirectPath(304)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void existingRoutesStillAnswerByExactRawPath() throws IOException {
    assertThat(exchange("GET /api/v1/namespaces/shop/secrets/db-creds HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200").contains("\"kind\": \"Secret\"");
    // Decoding would make this the Secret's path; the server, like a route table, does not.
    assertThat(exchange("GET /api/v1/namespaces/shop/secrets/db%2Dcreds HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 404");
  }

  private String exchange(String request) throws IOException {
    try (Socket s = new Socket(server.uri().getHost(), server.uri().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.UTF_8);
    }
  }
}

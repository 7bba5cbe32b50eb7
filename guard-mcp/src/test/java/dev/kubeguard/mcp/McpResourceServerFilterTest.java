package dev.kubeguard.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.oidc.TestIssuer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real MCP server (the SDK's servlet transport in embedded Tomcat 11) behind the filter, a real
 * OIDC issuer, and the SDK's own client.
 */
class McpResourceServerFilterTest {
  private static final String SCOPE = EmbeddedMcpServer.SCOPE;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static TestIssuer issuer;
  private static EmbeddedMcpServer mcp;
  private static URI resource;
  private static String base;
  private static final AtomicReference<String> headerSeenByTool = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    mcp =
        EmbeddedMcpServer.start(
            issuer,
            request -> {
              headerSeenByTool.set(String.valueOf(request.getHeader("Authorization")));
              return McpIdentity.contextExtractor().extract(request);
            },
            transport ->
                McpServer.sync(transport)
                    .serverInfo("kubeguard-test", "1.0")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .toolCall(
                        McpSchema.Tool.builder("whoami", Map.of("type", "object"))
                            .description("returns the caller")
                            .build(),
                        (exchange, request) -> {
                          Identity who = McpIdentity.from(exchange);
                          return McpSchema.CallToolResult.builder()
                              .addTextContent(who.user() + "|" + String.join(",", who.groups()))
                              .build();
                        })
                    .toolCall(
                        McpSchema.Tool.builder("session", Map.of("type", "object"))
                            .description("returns the call context's session id")
                            .build(),
                        (exchange, request) ->
                            McpSchema.CallToolResult.builder()
                                .addTextContent(
                                    McpIdentity.callContext(exchange, "session").sessionId())
                                .build())
                    .build());
    resource = mcp.resource();
    base = mcp.base();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      mcp.close();
    } finally {
      issuer.close();
    }
  }

  private static String validToken() {
    return mcp.tokenFor("alice");
  }

  private static McpSyncClient client(String token) {
    return mcp.client(token);
  }

  private static McpSchema.CallToolRequest call(String tool) {
    return McpSchema.CallToolRequest.builder(tool).arguments(Map.of()).build();
  }

  private static HttpResponse<String> post(String path, String authorization, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
          + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
          + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

  private static void assertNoInternals(HttpResponse<String> response) {
    assertThat(response.body())
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("at io.")
        .doesNotContain("at org.")
        .doesNotContain("java.")
        .hasSizeLessThan(200);
  }

  @Test
  void toolHandlerSeesTheVerifiedIdentity() {
    try (McpSyncClient client = client(validToken())) {
      client.initialize();
      McpSchema.CallToolResult result =
          client.callTool(call("whoami"));

      String text = ((McpSchema.TextContent) result.content().get(0)).text();
      assertThat(text).isEqualTo("oidc:alice|dev," + Identity.AUTHENTICATED);
    }
  }

  @Test
  void toolHandlerGetsTheMcpSessionIdForItsCallContext() {
    try (McpSyncClient client = client(validToken())) {
      client.initialize();
      McpSchema.CallToolResult result =
          client.callTool(call("session"));

      assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isNotBlank();
    }
  }

  @Test
  void neverHandsTheClientTokenToTheMcpLayer() {
    try (McpSyncClient client = client(validToken())) {
      client.initialize();
      client.callTool(call("whoami"));
    }

    assertThat(headerSeenByTool.get()).isEqualTo("null");
  }

  @Test
  void answersMissingTokenWith401PointingAtServedMetadata() throws Exception {
    HttpResponse<String> response = post("/mcp", null, INITIALIZE);

    assertThat(response.statusCode()).isEqualTo(401);
    String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
    String metadataUrl = base + "/.well-known/oauth-protected-resource/mcp";
    assertThat(challenge).startsWith("Bearer resource_metadata=\"" + metadataUrl + "\"");
    assertNoInternals(response);

    HttpResponse<String> metadata =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(metadataUrl)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metadata.statusCode()).isEqualTo(200);
    JsonNode doc = JSON.readTree(metadata.body());
    assertThat(doc.get("resource").asText()).isEqualTo(resource.toString());
    assertThat(doc.get("authorization_servers").get(0).asText())
        .isEqualTo(issuer.issuer().toString());
    assertThat(doc.get("bearer_methods_supported").get(0).asText()).isEqualTo("header");
    assertThat(doc.get("scopes_supported").get(0).asText()).isEqualTo(SCOPE);
  }

  @Test
  void sdkClientWithoutTokenIsRefused() {
    try (McpSyncClient client = client("not-a-token")) {
      assertThatThrownBy(client::initialize).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void rejectsTokenIssuedForAnotherAudience() throws Exception {
    String token =
        issuer.token().audience("https://other.example.com/mcp").claim("scope", SCOPE).sign();

    HttpResponse<String> response = post("/mcp", "Bearer " + token, INITIALIZE);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"");
    assertThat(response.body()).contains("invalid or expired credentials");
    assertNoInternals(response);
  }

  @Test
  void rejectsTokenWithoutTheRequiredScopeWith403() throws Exception {
    String token = issuer.token().audience(resource.toString()).claim("scope", "openid").sign();

    HttpResponse<String> response = post("/mcp", "Bearer " + token, INITIALIZE);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"")
        .contains("scope=\"" + SCOPE + "\"");
    assertNoInternals(response);
  }

  @Test
  void rejectsTokenInTheQueryStringEvenWhenValid() throws Exception {
    HttpResponse<String> response = post("/mcp?access_token=" + validToken(), null, INITIALIZE);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_request\"");
    assertNoInternals(response);
  }

  @Test
  void rejectsTokenInAFormBody() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/mcp"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("access_token=" + validToken()))
            .build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertNoInternals(response);
  }

  @Test
  void sdkErrorForMissingSessionCarriesNoStackTrace() throws Exception {
    String toolsList = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    HttpResponse<String> response = post("/mcp", "Bearer " + validToken(), toolsList);

    assertThat(response.statusCode()).isEqualTo(400);
    assertNoInternals(response);
  }

  @Test
  void sdkErrorForUnknownSessionCarriesNoInternals() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/mcp"))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("Authorization", "Bearer " + validToken())
            .header("Mcp-Session-Id", "no-such-session")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"))
            .build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isGreaterThanOrEqualTo(400);
    assertNoInternals(response);
  }

  @Test
  void rejectsMalformedAuthorizationHeaders() throws Exception {
    for (String header : List.of("Basic dXNlcjpwYXNz", "Bearer", "Bearer a b")) {
      HttpResponse<String> response = post("/mcp", header, INITIALIZE);
      assertThat(response.statusCode()).as(header).isEqualTo(401);
      assertNoInternals(response);
    }
  }
}

package dev.kubeguard.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.oidc.TestIssuer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * An async MCP server (the SDK's {@code McpServer.async}) in embedded Tomcat 11, with the filter
 * mapped on {@code /mcp} only and the RFC 9728 document served by the metadata servlet alone,
 * mounted where {@link McpResourceServerFilter#metadataPath()} says.
 */
class McpAsyncServerIdentityTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestIssuer issuer;
  private static EmbeddedMcpServer mcp;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    mcp =
        EmbeddedMcpServer.startAsync(
            issuer,
            "/mcp",
            transport ->
                McpServer.async(transport)
                    .serverInfo("kubeguard-async-test", "1.0")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .toolCall(
                        McpSchema.Tool.builder("whoami", Map.of("type", "object")).build(),
                        (exchange, request) -> {
                          Identity who = McpIdentity.from(exchange);
                          CallContext context = McpIdentity.callContext(exchange, "whoami");
                          return Mono.just(
                              McpSchema.CallToolResult.builder()
                                  .addTextContent(
                                      who.user() + "|" + String.join(",", who.groups()) + "|"
                                          + context.tool() + "|" + context.sessionId())
                                  .build());
                        })
                    .build());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      mcp.close();
    } finally {
      issuer.close();
    }
  }

  @Test
  void asyncToolHandlerSeesTheVerifiedIdentityWithItsGroupsAndTheSession() {
    String text;
    try (McpSyncClient client = mcp.client(mcp.tokenFor("alice"))) {
      client.initialize();
      McpSchema.CallToolResult result =
          client.callTool(McpSchema.CallToolRequest.builder("whoami").arguments(Map.of()).build());
      text = ((McpSchema.TextContent) result.content().get(0)).text();
    }

    String[] parts = text.split("\\|", -1);
    assertThat(parts[0]).isEqualTo("oidc:alice");
    assertThat(parts[1].split(",")).containsExactly("dev", Identity.AUTHENTICATED);
    assertThat(parts[2]).isEqualTo("whoami");
    assertThat(parts[3]).isNotBlank();
  }

  @Test
  void metadataNamedInTheChallengeIsServedWhereTheServletIsMounted() throws Exception {
    HttpResponse<String> refused =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    Matcher url =
        Pattern.compile("resource_metadata=\"([^\"]+)\"")
            .matcher(refused.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertThat(url.find()).isTrue();
    assertThat(URI.create(url.group(1)).getPath())
        .isEqualTo("/.well-known/oauth-protected-resource/mcp");

    HttpResponse<String> metadata =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url.group(1))).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(metadata.statusCode()).isEqualTo(200);
    JsonNode doc = new ObjectMapper().readTree(metadata.body());
    assertThat(doc.get("resource").asText()).isEqualTo(mcp.resource().toString());
    assertThat(doc.get("authorization_servers").get(0).asText())
        .isEqualTo(issuer.issuer().toString());
  }
}

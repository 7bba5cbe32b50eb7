package dev.kubeguard.samples.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Test helpers: the sample server on a free port with embedded defaults, and SDK clients for it. */
final class RunningServer {
  private RunningServer() {}

  static ServerStack start(Path audit) throws Exception {
    return ServerStack.start(new Options(false, 0, null, null, "groups", null, audit));
  }

  static McpSyncClient client(ServerStack server, DemoUser user) {
    String token = server.tokenFor(user);
    McpSyncClient client = McpClient.sync(
            HttpClientStreamableHttpTransport.builder("http://" + server.resource().getRawAuthority())
                .endpoint("/mcp")
                .addHttpRequestCustomizer((b, method, uri, body, ctx) -> b.header("Authorization", "Bearer " + token))
                .build())
        .requestTimeout(Duration.ofSeconds(20))
        .build();
    client.initialize();
    return client;
  }

  static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
  }

  static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  static boolean isError(McpSchema.CallToolResult result) {
    return Boolean.TRUE.equals(result.isError());
  }
}

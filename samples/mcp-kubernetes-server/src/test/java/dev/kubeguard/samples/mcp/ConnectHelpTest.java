package dev.kubeguard.samples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the server prints at start: enough to connect a real MCP client with nothing else. */
class ConnectHelpTest {

  @Test
  void printsTheUrlWorkingTokensAndAClientCommandLine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int status = McpKubernetesServer.run(new String[] {"--port", "0"}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err, false);

    String shown = out.toString(StandardCharsets.UTF_8);
    assertThat(status).isZero();
    assertThat(shown)
        .containsPattern("MCP endpoint \\(Streamable HTTP\\): http://127\\.0\\.0\\.1:\\d+/mcp")
        .containsPattern("claude mcp add --transport http kubeguard http://127\\.0\\.0\\.1:\\d+/mcp --header \"Authorization: Bearer ey")
        .contains("oidc:sam", "oidc:dana", "oidc:alex")
        .containsPattern("/approvals/<approval id>/approve");
  }
}

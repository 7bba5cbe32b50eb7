package dev.kubeguard.samples.mcp;

import dev.kubeguard.api.Identity;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.mcp.McpIdentity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * Runs every tool the same way: binds the guarded client to the caller's verified identity and
 * this call (tool name, MCP session), validates the arguments, runs the body, and turns any
 * failure into a tool error an agent can act on ({@link ToolErrors}). Thread-safe; tool calls run
 * concurrently on the MCP SDK's threads.
 */
final class ToolRunner {
  /** Tool output beyond this is cut, so one large list cannot flood the model's context. */
  static final int MAX_RESULT_CHARS = 100_000;

  /** A tool's work: arguments and the caller's client in, text for the agent out. */
  @FunctionalInterface
  interface Body {
    String run(ToolArgs args, KubernetesClient k8s) throws Exception;
  }

  private final GuardedKubernetesClient guarded;
  private final ToolErrors errors;

  ToolRunner(GuardedKubernetesClient guarded, ToolErrors errors) {
    this.guarded = guarded;
    this.errors = errors;
  }

  /** A tool named {@code name} whose calls run {@code body} as the caller. */
  SyncToolSpecification tool(String name, String description, Map<String, Object> schema, Body body) {
    McpSchema.Tool tool = McpSchema.Tool.builder(name, schema).description(description).build();
    return new SyncToolSpecification(tool, (exchange, request) -> call(name, exchange, request, body));
  }

  private CallToolResult call(
      String name, McpSyncServerExchange exchange, McpSchema.CallToolRequest request, Body body) {
    Identity caller;
    try {
      caller = McpIdentity.from(exchange);
    } catch (IllegalStateException noIdentity) {
      return ToolErrors.error("This call carries no verified identity, so it cannot run.");
    }
    try {
      // The one line that makes every Kubernetes request of this call the caller's.
      KubernetesClient k8s = guarded.as(caller, McpIdentity.callContext(exchange, name));
      String text = body.run(new ToolArgs(request.arguments()), k8s);
      if (text.length() > MAX_RESULT_CHARS) {
        text = text.substring(0, MAX_RESULT_CHARS) + "\n... (cut at " + MAX_RESULT_CHARS + " characters; narrow the request)";
      }
      return CallToolResult.builder().addTextContent(text).build();
    } catch (Exception e) {
      return errors.toResult(name, e);
    }
  }
}

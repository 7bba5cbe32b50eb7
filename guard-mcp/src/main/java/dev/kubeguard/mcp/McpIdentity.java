package dev.kubeguard.mcp;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Carries the identity verified by {@link McpResourceServerFilter} into MCP tool handlers:
 *
 * <pre>{@code
 * HttpServletStreamableServerTransportProvider.builder()
 *     .contextExtractor(McpIdentity.contextExtractor())
 *     ...
 * // in a tool handler:
 * Identity who = McpIdentity.from(exchange);
 * }</pre>
 *
 * <p>To make a tool's Kubernetes calls as its caller, bind a guarded client (guard-fabric8-interceptor's
 * {@code GuardedKubernetesClient}, created once at startup) to the identity and call context, in
 * one line:
 *
 * <pre>{@code
 * KubernetesClient k8s = guarded.as(McpIdentity.from(exchange), McpIdentity.callContext(exchange, "get_secret"));
 * }</pre>
 *
 * Every request of {@code k8s} is judged and audited for that identity, annotated with the tool
 * and MCP session. The client still authenticates to the cluster with its own credentials (the
 * MCP server's service account): the caller's token is never forwarded. A denied call raises
 * fabric8's 403 {@code KubernetesClientException} without reaching the cluster; report it as a
 * tool error ({@code isError}) so the model sees why.
 *
 * <p>Only the verified {@link Identity} and the MCP session id travel; the client's token never
 * does. Stateless and thread-safe. A handler asking for an identity that is not there (filter not
 * installed, extractor not set) gets an {@link IllegalStateException}: it fails closed instead of
 * acting as nobody in particular.
 */
public final class McpIdentity {
  /** Request attribute and transport-context key of the verified {@link Identity}. */
  public static final String ATTRIBUTE = "dev.kubeguard.mcp.identity";

  /** Transport-context key of the MCP session id ({@code Mcp-Session-Id}), when the client sent one. */
  public static final String SESSION_ID = "dev.kubeguard.mcp.sessionId";

  private static final String SESSION_HEADER = "Mcp-Session-Id";

  private McpIdentity() {}

  /** The extractor that copies the verified identity (and session id) into the MCP context. */
  public static McpTransportContextExtractor<HttpServletRequest> contextExtractor() {
    return request -> {
      Map<String, Object> values = new HashMap<>();
      Object identity = request.getAttribute(ATTRIBUTE);
      if (identity instanceof Identity) {
        values.put(ATTRIBUTE, identity);
      }
      String session = request.getHeader(SESSION_HEADER);
      if (session != null && !session.isBlank()) {
        values.put(SESSION_ID, session);
      }
      return McpTransportContext.create(values);
    };
  }

  /** The verified identity of the request a sync tool handler is serving. */
  public static Identity from(McpSyncServerExchange exchange) {
    return from(Objects.requireNonNull(exchange, "exchange").transportContext());
  }

  /** The verified identity of the request an async tool handler is serving. */
  public static Identity from(McpAsyncServerExchange exchange) {
    return from(Objects.requireNonNull(exchange, "exchange").transportContext());
  }

  /** The verified identity in {@code context}. */
  public static Identity from(McpTransportContext context) {
    Object identity = context == null ? null : context.get(ATTRIBUTE);
    if (identity instanceof Identity) {
      return (Identity) identity;
    }
    throw new IllegalStateException(
        "no verified identity in this MCP request: install McpResourceServerFilter in front of"
            + " the MCP servlet and set contextExtractor(McpIdentity.contextExtractor())");
  }

  /** The call context for Kubernetes requests a sync tool makes: tool name, session id, now. */
  public static CallContext callContext(McpSyncServerExchange exchange, String toolName) {
    Objects.requireNonNull(exchange, "exchange");
    return callContext(exchange.sessionId(), exchange.transportContext(), toolName);
  }

  /**
   * The call context for Kubernetes requests an async tool makes: tool name, session id, now.
   * Read it in the handler before going asynchronous (the exchange is the request's own, so any
   * thread may read it, but "now" is when you call this).
   */
  public static CallContext callContext(McpAsyncServerExchange exchange, String toolName) {
    Objects.requireNonNull(exchange, "exchange");
    return callContext(exchange.sessionId(), exchange.transportContext(), toolName);
  }

  private static CallContext callContext(
      String sessionId, McpTransportContext context, String toolName) {
    String session = sessionId;
    if (session == null) {
      Object fromHeader = context == null ? null : context.get(SESSION_ID);
      session = fromHeader == null ? "" : fromHeader.toString();
    }
    return new CallContext(toolName, session, "", Instant.now());
  }
}

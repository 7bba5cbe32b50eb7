package dev.kubeguard.samples.mcp;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever a tool's Kubernetes call threw into an MCP tool error ({@code isError: true})
 * worded for an agent: what happened and what to do next. A policy denial says which rule; a
 * request held for approval says its id, who may approve it and where; a missing object suggests
 * listing. Never the API server's URL, a stack trace or exception text from the client library:
 * those go to the server log only (which never sees tokens or bodies). Stateless, thread-safe.
 */
final class ToolErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ToolErrors.class);
  private static final Pattern APPROVAL_ID = Pattern.compile("approval (apr-[A-Za-z0-9-]+) is pending");
  private static final Pattern URL = Pattern.compile("(?i)\\b(https?|wss?)://\\S+");

  private final ApprovalDesk approvals;

  ToolErrors(ApprovalDesk approvals) {
    this.approvals = approvals;
  }

  /** The tool error for {@code failure} in {@code tool}. */
  CallToolResult toResult(String tool, Throwable failure) {
    return error(describe(tool, failure));
  }

  /** A tool error with {@code text}, scrubbed of URLs. */
  static CallToolResult error(String text) {
    return CallToolResult.builder().isError(true).addTextContent(scrub(text)).build();
  }

  private String describe(String tool, Throwable failure) {
    if (failure instanceof ToolInputException e) {
      return e.invalidArgument() ? "Invalid arguments: " + e.getMessage() : e.getMessage();
    }
    KubernetesClientException k = withStatusCode(failure);
    if (k == null) {
      LOG.warn("tool {} failed without an API status", tool, failure);
      return "The Kubernetes API could not be reached or did not answer properly; nothing was"
          + " changed by this call as far as the server knows. Retry later.";
    }
    String message = statusMessage(k);
    switch (k.getCode()) {
      case 403: {
        Matcher m = APPROVAL_ID.matcher(message);
        if (m.find()) {
          return "Held for approval: " + message + ". " + approvals.howToApprove(m.group(1));
        }
        return "Forbidden by policy: " + message
            + ". This is a decision, not an outage: do not retry the same call; ask a human if the"
            + " access is needed.";
      }
      case 404:
        return "Not found: " + message + ". Check kind, namespace and name (list_resources shows what exists).";
      case 409:
        return "Conflict: " + message + ". Read the object again and retry with its current state.";
      case 400:
      case 422:
        return "Rejected by the API server as invalid: " + message + ". Fix the request and retry.";
      case 401:
        LOG.warn("tool {}: the API server rejected the MCP server's own credentials", tool);
        return "The MCP server's own cluster credentials were rejected; this is a server"
            + " configuration problem, not something the agent can fix.";
      default:
        LOG.warn("tool {} failed with HTTP {}", tool, k.getCode(), failure);
        return "The Kubernetes API failed (HTTP " + k.getCode() + "): " + message + ". Retry later.";
    }
  }

  private static KubernetesClientException withStatusCode(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        return k;
      }
    }
    return null;
  }

  // The Status message only: KubernetesClientException.getMessage() carries the request URL.
  private static String statusMessage(KubernetesClientException k) {
    Status status = k.getStatus();
    String message = status == null ? null : status.getMessage();
    return message == null || message.isBlank() ? "HTTP " + k.getCode() : message.strip();
  }

  private static String scrub(String text) {
    return URL.matcher(text).replaceAll(m -> m.group().contains("/approvals/") ? Matcher.quoteReplacement(m.group()) : "<url>");
  }
}

package dev.kubeguard.mcp.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The request as the MCP server sees it after authentication: the {@code Authorization} header is
 * gone, so no tool handler or context extractor can pick up the client's token and pass it on
 * (the MCP authorization spec forbids token passthrough; Kubernetes calls use the server's own
 * credentials). Immutable view; thread-safety as the wrapped request.
 */
public final class CredentialHidingRequest extends HttpServletRequestWrapper {
  private static final String AUTHORIZATION = "Authorization";

  public CredentialHidingRequest(HttpServletRequest request) {
    super(request);
  }

  private static boolean hidden(String name) {
    return AUTHORIZATION.equalsIgnoreCase(name);
  }

  @Override
  public String getHeader(String name) {
    return hidden(name) ? null : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    List<String> names = Collections.list(super.getHeaderNames());
    names.removeIf(CredentialHidingRequest::hidden);
    return Collections.enumeration(names);
  }
}

package dev.kubeguard.mcp;

import dev.kubeguard.mcp.internal.MetadataResponder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Serves the RFC 9728 protected-resource metadata of a {@link McpResourceServerFilter}. The filter
 * answers the metadata path itself; this servlet is for containers that only run filters on paths
 * a servlet is mapped to (a bare embedded Tomcat context has no default servlet): map it at
 * {@link McpResourceServerFilter#metadataPath()}. Get one from
 * {@link McpResourceServerFilter#metadataServlet()}. Thread-safe; never fails except on I/O.
 */
public final class ProtectedResourceMetadataServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient MetadataResponder responder;

  ProtectedResourceMetadataServlet(MetadataResponder responder) {
    this.responder = responder;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    responder.serve(request, response);
  }
}

package dev.kubeguard.mcp.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Answers requests for the RFC 9728 document: GET and HEAD only, public, cacheable. Immutable and
 * thread-safe.
 */
public final class MetadataResponder {
  private final byte[] json;

  public MetadataResponder(ProtectedResourceMetadata metadata) {
    this.json = metadata.toJson();
  }

  /** Writes the document (or 405) to {@code response}. */
  public void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String method = request.getMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      response.setHeader("Allow", "GET, HEAD");
      ErrorBodies.write(response, 405, "method_not_allowed", "use GET");
      return;
    }
    response.setStatus(200);
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "max-age=300");
    response.setContentLength(json.length);
    if ("GET".equals(method)) {
      response.getOutputStream().write(json);
    }
  }
}

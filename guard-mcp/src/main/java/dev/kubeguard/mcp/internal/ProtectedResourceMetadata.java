package dev.kubeguard.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9728 protected-resource metadata for one MCP server, rendered once. Immutable, thread-safe.
 *
 * @param resource the canonical resource URL (the audience tokens must carry)
 * @param authorizationServers issuer URLs of the authorization servers clients should use
 * @param scopes scopes the resource uses
 */
public record ProtectedResourceMetadata(
    URI resource, List<URI> authorizationServers, List<String> scopes) {

  /** The well-known path segment of RFC 9728. */
  public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

  public ProtectedResourceMetadata {
    authorizationServers = List.copyOf(authorizationServers);
    scopes = List.copyOf(scopes);
  }

  /**
   * Where the metadata lives: the well-known segment inserted between host and path (RFC 9728
   * section 3.1), so {@code https://h/mcp} has {@code https://h/.well-known/oauth-protected-resource/mcp}.
   */
  public URI metadataUrl() {
    String path = resource.getRawPath() == null ? "" : resource.getRawPath();
    if (path.equals("/")) {
      path = "";
    }
    String authority = resource.getRawAuthority();
    return URI.create(resource.getScheme() + "://" + authority + WELL_KNOWN + path);
  }

  /** The JSON document. */
  public byte[] toJson() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("resource", resource.toString());
    doc.put("authorization_servers", authorizationServers.stream().map(URI::toString).toList());
    doc.put("bearer_methods_supported", List.of("header"));
    if (!scopes.isEmpty()) {
      doc.put("scopes_supported", scopes);
    }
    try {
      return new ObjectMapper().writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render metadata", e);
    }
  }
}

package dev.kubeguard.mcp;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import dev.kubeguard.api.spi.Authenticator;
import dev.kubeguard.core.oidc.OidcIssuer;
import dev.kubeguard.mcp.internal.BearerToken;
import dev.kubeguard.mcp.internal.CredentialHidingRequest;
import dev.kubeguard.mcp.internal.ErrorBodies;
import dev.kubeguard.mcp.internal.MetadataResponder;
import dev.kubeguard.mcp.internal.ProtectedResourceMetadata;
import dev.kubeguard.mcp.internal.SafeErrorResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a servlet-based MCP server an OAuth 2.1 resource server as the MCP authorization spec
 * (2025-06-18) asks: serves RFC 9728 protected-resource metadata, accepts bearer tokens only from
 * the {@code Authorization} header, verifies them with an {@link Authenticator} whose audience is
 * the server's canonical URL, checks required scopes, and hands the verified {@link Identity} to
 * the MCP layer (read it with {@link McpIdentity}).
 *
 * <ul>
 *   <li>no token: 401 with {@code WWW-Authenticate: Bearer resource_metadata="<metadata URL>"};
 *   <li>invalid token, or token in the query string or a form body: 401 {@code invalid_token} /
 *       {@code invalid_request};
 *   <li>missing scope: 403 {@code error="insufficient_scope"} naming the required scopes;
 *   <li>otherwise the request goes on without its {@code Authorization} header (the client's token
 *       is never passed through; Kubernetes calls use the server's own credentials) and with the
 *       identity in request attribute {@link McpIdentity#ATTRIBUTE}.
 * </ul>
 *
 * <p>Every error response from this filter or from anything behind it (the MCP SDK, the container)
 * carries a small fixed JSON body: never a stack trace or exception text. Map it in front of the
 * MCP endpoint and the metadata path (e.g. {@code /*}), with async support on.
 *
 * <pre>{@code
 * URI resource = URI.create("https://mcp.example.com/mcp");
 * URI issuer = URI.create("https://login.example.com");
 * Filter filter = McpResourceServerFilter.builder()
 *     .resource(resource).authorizationServer(issuer).requiredScopes("mcp:tools")
 *     .authenticator(OidcAuthenticator.builder()
 *         .issuer(McpResourceServerFilter.issuerFor(issuer, resource).build()).build())
 *     .build();
 * }</pre>
 *
 * <p><b>Threading:</b> thread-safe, one instance serves all requests. <b>Blocking:</b> as the
 * authenticator (bounded key fetches). <b>Failure:</b> fails closed; any error while
 * authenticating is a 401, details go to the log only.
 */
public final class McpResourceServerFilter implements Filter {
  /**
   * The {@link Identity#extra()} key holding the token's scopes (space-separated {@code scope} or
   * an array such as {@code scp}); {@link #issuerFor} maps the {@code scope} claim there.
   */
  public static final String SCOPES_EXTRA = "oauth.kubeguard.dev/scope";

  /** The claim {@link #issuerFor} reads groups from unless told otherwise. */
  public static final String DEFAULT_GROUPS_CLAIM = "groups";

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Logger LOG = LoggerFactory.getLogger(McpResourceServerFilter.class);

  private final Authenticator authenticator;
  private final ProtectedResourceMetadata metadata;
  private final String metadataPath;
  private final MetadataResponder metadataResponder;
  private final List<String> requiredScopes;
  private final String challenge;

  private McpResourceServerFilter(Builder b) {
    this.authenticator = b.authenticator;
    this.metadata =
        new ProtectedResourceMetadata(b.resource, b.authorizationServers, new ArrayList<>(b.scopes));
    this.metadataPath = metadata.metadataUrl().getRawPath();
    this.metadataResponder = new MetadataResponder(metadata);
    this.requiredScopes = List.copyOf(b.scopes);
    this.challenge = "Bearer resource_metadata=\"" + metadata.metadataUrl() + "\"";
  }

  /** Starts a configuration. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * An issuer configuration bound to this resource: audience = the canonical {@code resource}
   * URL, groups from the {@code groups} claim (the usual OIDC name; without groups every group
   * rule of a policy silently never matches), and the {@code scope} claim mapped to
   * {@link #SCOPES_EXTRA}. Override as needed, e.g. {@code .groupsClaim("roles")}, or
   * {@code .groupsClaim("")} for an issuer whose groups must not be trusted.
   */
  public static OidcIssuer.Builder issuerFor(URI issuer, URI resource) {
    return OidcIssuer.builder(issuer)
        .audience(resource.toString())
        .groupsClaim(DEFAULT_GROUPS_CLAIM)
        .extraClaim(SCOPES_EXTRA, "scope");
  }

  /** The URL clients fetch the protected-resource metadata from. */
  public URI metadataUrl() {
    return metadata.metadataUrl();
  }

  /** The path of {@link #metadataUrl()}, e.g. {@code /.well-known/oauth-protected-resource/mcp}. */
  public String metadataPath() {
    return metadataPath;
  }

  /**
   * A servlet serving the same metadata. Map it at {@link #metadataPath()} in the container's
   * root context: a bare embedded Tomcat context has no default servlet, so a request for a path
   * no servlet is mapped to is answered 404 before any filter runs (this filter included).
   */
  public ProtectedResourceMetadataServlet metadataServlet() {
    return new ProtectedResourceMetadataServlet(metadataResponder);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    if (metadataPath.equals(request.getRequestURI())) {
      metadataResponder.serve(request, response);
      return;
    }
    Identity identity = authenticate(request, response);
    if (identity == null) {
      return;
    }
    request.setAttribute(McpIdentity.ATTRIBUTE, identity);
    SafeErrorResponse safe = new SafeErrorResponse(response);
    try {
      chain.doFilter(new CredentialHidingRequest(request), safe);
      safe.finish();
    } catch (IOException | ServletException | RuntimeException e) {
      LOG.error("MCP request failed behind the resource-server filter", e);
      if (!response.isCommitted()) {
        response.reset();
        ErrorBodies.writeGeneric(response, 500);
      }
    }
  }

  /** The verified identity, or {@code null} after answering 401/403. */
  private Identity authenticate(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    BearerToken.Found found = BearerToken.find(request);
    switch (found.kind()) {
      case MISSING:
        unauthorized(response, challenge + scopeParam(), "unauthorized", "authorization required");
        return null;
      case MISPLACED:
        LOG.warn("MCP request rejected: access token outside the Authorization header");
        unauthorized(
            response,
            challenge + ", error=\"invalid_request\"",
            "invalid_request",
            "send the access token in the Authorization header only");
        return null;
      case MALFORMED:
        unauthorized(
            response,
            challenge + ", error=\"invalid_request\"",
            "invalid_request",
            "malformed Authorization header");
        return null;
      default:
        break;
    }
    Identity identity;
    try {
      identity = authenticator.authenticate(found.token());
    } catch (AuthenticationException e) {
      LOG.warn("MCP request rejected: {}", e.getMessage());
      invalidToken(response);
      return null;
    } catch (RuntimeException e) {
      LOG.error("MCP request rejected: authenticator failed unexpectedly", e);
      invalidToken(response);
      return null;
    }
    if (!hasRequiredScopes(identity)) {
      LOG.warn(
          "MCP request of {} rejected: scopes {} do not include all of {}",
          identity.user(), scopesOf(identity), requiredScopes);
      response.setHeader(
          "WWW-Authenticate",
          "Bearer error=\"insufficient_scope\", scope=\"" + String.join(" ", requiredScopes)
              + "\", resource_metadata=\"" + metadata.metadataUrl() + "\"");
      ErrorBodies.write(response, 403, "insufficient_scope", "the token lacks a required scope");
      return null;
    }
    return identity;
  }

  private void invalidToken(HttpServletResponse response) throws IOException {
    unauthorized(
        response,
        challenge + ", error=\"invalid_token\"",
        "invalid_token",
        AuthenticationException.PUBLIC_MESSAGE);
  }

  private String scopeParam() {
    return requiredScopes.isEmpty() ? "" : ", scope=\"" + String.join(" ", requiredScopes) + "\"";
  }

  private static void unauthorized(
      HttpServletResponse response, String wwwAuthenticate, String code, String description)
      throws IOException {
    response.setHeader("WWW-Authenticate", wwwAuthenticate);
    ErrorBodies.write(response, 401, code, description);
  }

  private boolean hasRequiredScopes(Identity identity) {
    return requiredScopes.isEmpty() || scopesOf(identity).containsAll(requiredScopes);
  }

  private static Set<String> scopesOf(Identity identity) {
    Set<String> scopes = new LinkedHashSet<>();
    for (String value : identity.extra().getOrDefault(SCOPES_EXTRA, List.of())) {
      for (String s : WHITESPACE.split(value.trim())) {
        if (!s.isEmpty()) {
          scopes.add(s);
        }
      }
    }
    return scopes;
  }

  /**
   * Collects the resource-server settings; {@link #build()} throws {@link IllegalArgumentException}
   * saying what to fix. Not thread-safe.
   */
  public static final class Builder {
    private URI resource;
    private final List<URI> authorizationServers = new ArrayList<>();
    private final Set<String> scopes = new LinkedHashSet<>();
    private Authenticator authenticator;

    private Builder() {}

    /** The server's canonical URL (e.g. {@code https://mcp.example.com/mcp}): the token audience. */
    public Builder resource(URI canonicalUrl) {
      this.resource = Objects.requireNonNull(canonicalUrl, "canonicalUrl");
      return this;
    }

    /** An authorization server (issuer URL) clients should get tokens from; at least one. */
    public Builder authorizationServer(URI issuer) {
      authorizationServers.add(Objects.requireNonNull(issuer, "issuer"));
      return this;
    }

    /** Scopes every request's token must carry; also advertised in the metadata. */
    public Builder requiredScopes(String... required) {
      for (String s : required) {
        if (s == null || s.isBlank() || s.contains(" ") || s.contains("\"")) {
          throw new IllegalArgumentException(
              "scope " + s + " must be a non-blank token without spaces or quotes");
        }
        scopes.add(s);
      }
      return this;
    }

    /** Verifies tokens; its audience must be the canonical resource URL (see issuerFor). */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** Validates and builds. */
    public McpResourceServerFilter build() {
      if (resource == null) {
        throw new IllegalArgumentException(
            "resource(URI) is required: the MCP server's canonical URL, e.g."
                + " https://mcp.example.com/mcp, which tokens must name as audience");
      }
      if (!resource.isAbsolute()
          || resource.getHost() == null
          || resource.getRawFragment() != null
          || !(resource.getScheme().equals("https") || resource.getScheme().equals("http"))) {
        throw new IllegalArgumentException(
            "resource " + resource + " must be an absolute http(s) URL without fragment");
      }
      if (authorizationServers.isEmpty()) {
        throw new IllegalArgumentException(
            "authorizationServer(URI) is required: clients discover where to get tokens from it");
      }
      if (authenticator == null) {
        throw new IllegalArgumentException(
            "authenticator(...) is required, e.g. an OidcAuthenticator whose issuer has"
                + " audience(resource)");
      }
      return new McpResourceServerFilter(this);
    }
  }
}

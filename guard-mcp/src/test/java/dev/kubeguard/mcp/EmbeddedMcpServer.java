package dev.kubeguard.mcp;

import dev.kubeguard.core.oidc.OidcAuthenticator;
import dev.kubeguard.core.oidc.TestIssuer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.http.HttpServletRequest;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import reactor.core.scheduler.Schedulers;

/**
 * A real MCP server for tests: the SDK's streamable servlet transport in embedded Tomcat 11 on
 * 127.0.0.1, behind {@link McpResourceServerFilter} trusting {@code issuer} (usernames get the
 * {@code oidc:} prefix; groups come from the {@code groups} claim, issuerFor's default), and the
 * SDK's own client. The filter is mapped on {@code /*}, or on {@code /mcp} only (then the metadata
 * servlet alone serves the RFC 9728 document, as in a container where other servlets live too).
 */
final class EmbeddedMcpServer implements AutoCloseable {
  static final String SCOPE = "mcp:tools";

  private final TestIssuer issuer;
  private final Tomcat tomcat;
  private final Runnable closeMcpServer;
  private final String filterPattern;
  private final OidcAuthenticator authenticator;
  private final McpResourceServerFilter filter;
  private final URI resource;
  private final String base;

  private EmbeddedMcpServer(
      TestIssuer issuer,
      McpTransportContextExtractor<HttpServletRequest> extractor,
      String filterPattern,
      Function<HttpServletStreamableServerTransportProvider, Runnable> server)
      throws IOException, LifecycleException {
    this.issuer = issuer;
    this.filterPattern = filterPattern;
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    base = "http://127.0.0.1:" + port;
    resource = URI.create(base + "/mcp");
    authenticator =
        OidcAuthenticator.builder()
            .issuer(
                McpResourceServerFilter.issuerFor(issuer.issuer(), resource)
                    .usernamePrefix("oidc:")
                    .build())
            .build();
    filter =
        McpResourceServerFilter.builder()
            .resource(resource)
            .authorizationServer(issuer.issuer())
            .requiredScopes(SCOPE)
            .authenticator(authenticator)
            .build();
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .mcpEndpoint("/mcp")
            .contextExtractor(extractor)
            .build();
    closeMcpServer = server.apply(transport);
    tomcat = startTomcat(port, transport);
  }

  /** Starts a server whose tools {@code server} registers on the given transport. */
  static EmbeddedMcpServer start(
      TestIssuer issuer,
      McpTransportContextExtractor<HttpServletRequest> extractor,
      Function<HttpServletStreamableServerTransportProvider, McpSyncServer> server)
      throws IOException, LifecycleException {
    return new EmbeddedMcpServer(
        issuer,
        extractor,
        "/*",
        transport -> {
          McpSyncServer s = server.apply(transport);
          return s::closeGracefully;
        });
  }

  /** Starts an async server, with the filter mapped on {@code filterPattern} only. */
  static EmbeddedMcpServer startAsync(
      TestIssuer issuer,
      String filterPattern,
      Function<HttpServletStreamableServerTransportProvider, McpAsyncServer> server)
      throws IOException, LifecycleException {
    return new EmbeddedMcpServer(
        issuer,
        McpIdentity.contextExtractor(),
        filterPattern,
        transport -> {
          McpAsyncServer s = server.apply(transport);
          return () -> s.closeGracefully().block(Duration.ofSeconds(10));
        });
  }

  private Tomcat startTomcat(int port, HttpServletStreamableServerTransportProvider transport)
      throws IOException, LifecycleException {
    File baseDir = Files.createTempDirectory("tomcat").toFile();
    Tomcat t = new Tomcat();
    t.setBaseDir(baseDir.getAbsolutePath());
    t.setPort(port);
    t.getConnector().setProperty("address", "127.0.0.1");
    Context ctx = t.addContext("", baseDir.getAbsolutePath());
    Tomcat.addServlet(ctx, "mcp", transport).setAsyncSupported(true);
    ctx.addServletMappingDecoded("/mcp", "mcp");
    // A bare context has no default servlet, so Tomcat would 404 the metadata path before filters.
    Tomcat.addServlet(ctx, "metadata", filter.metadataServlet());
    ctx.addServletMappingDecoded(filter.metadataPath(), "metadata");
    FilterDef def = new FilterDef();
    def.setFilterName("kubeguard");
    def.setFilter(filter);
    def.setAsyncSupported("true");
    ctx.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("kubeguard");
    map.addURLPattern(filterPattern);
    ctx.addFilterMap(map);
    t.start();
    return t;
  }

  /** The protected resource ({@code http://127.0.0.1:<port>/mcp}), the tokens' audience. */
  URI resource() {
    return resource;
  }

  /** {@code http://127.0.0.1:<port>}. */
  String base() {
    return base;
  }

  /** A valid token for this server: subject {@code subject}, the required scope, group dev. */
  String tokenFor(String subject) {
    return issuer
        .token()
        .claim("sub", subject)
        .audience(resource.toString())
        .claim("scope", "openid " + SCOPE)
        .claim("groups", List.of("dev"))
        .sign();
  }

  /** The SDK's own client, sending {@code token} as its bearer token on every request. */
  McpSyncClient client(String token) {
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(base)
            .endpoint("/mcp")
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) ->
                    builder.header("Authorization", "Bearer " + token))
            .build();
    return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public void close() throws LifecycleException {
    try {
      closeMcpServer.run();
      tomcat.stop();
      tomcat.destroy();
    } finally {
      authenticator.close();
      // Reactor's shared workers were started from Tomcat's request threads and kept their
      // context class loader: this (now stopped) webapp's. A later server in the same JVM would
      // run its tool handlers there, and fabric8's ServiceLoader lookups would fail.
      Schedulers.shutdownNow();
    }
  }
}

package dev.kubeguard.samples.mcp;

import dev.kubeguard.mcp.McpResourceServerFilter;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * The embedded Tomcat 11 serving, on 127.0.0.1, in the root context:
 *
 * <ul>
 *   <li>{@code /mcp}: the MCP SDK's Streamable HTTP transport, behind {@link McpResourceServerFilter}
 *       (bearer tokens verified; the client's token never reaches the tools);
 *   <li>{@link McpResourceServerFilter#metadataPath()}: the RFC 9728 metadata the 401 points at;
 *   <li>{@code /approvals/*}: the approvers' endpoint ({@link ApprovalServlet}), authenticated on
 *       its own, outside the MCP filter.
 * </ul>
 *
 * <p>{@link #close()} stops and destroys the container. Not thread-safe to start; serves
 * concurrently once started.
 */
final class FrontDoor implements AutoCloseable {
  private final Tomcat tomcat;

  /** Where guard-approval-web's page is mounted when approvals live in the cluster. */
  static final String APPROVER_PAGE = "/kubeguard/approvals";

  private FrontDoor(Tomcat tomcat) {
    this.tomcat = tomcat;
  }

  /**
   * Starts the container on {@code port} ({@code approverPage} may be null); a port in use is an {@link IllegalStateException} saying so.
   */
  static FrontDoor start(
      int port,
      McpResourceServerFilter filter,
      HttpServletStreamableServerTransportProvider transport,
      HttpServlet approvals,
      HttpServlet approverPage)
      throws IOException {
    Path baseDir = Files.createTempDirectory("kubeguard-mcp-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    tomcat.setPort(port);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context ctx = tomcat.addContext("", baseDir.toString());

    Tomcat.addServlet(ctx, "mcp", transport).setAsyncSupported(true);
    ctx.addServletMappingDecoded("/mcp", "mcp");
    // A bare context has no default servlet: without this mapping the metadata path is a 404.
    Tomcat.addServlet(ctx, "oauth-metadata", filter.metadataServlet());
    ctx.addServletMappingDecoded(filter.metadataPath(), "oauth-metadata");
    Tomcat.addServlet(ctx, "approvals", approvals);
    ctx.addServletMappingDecoded("/approvals", "approvals");
    ctx.addServletMappingDecoded("/approvals/*", "approvals");
    if (approverPage != null) {
      Tomcat.addServlet(ctx, "approver-page", approverPage);
      ctx.addServletMappingDecoded(APPROVER_PAGE + "/*", "approver-page");
    }

    FilterDef def = new FilterDef();
    def.setFilterName("kubeguard-resource-server");
    def.setFilter(filter);
    def.setAsyncSupported("true");
    ctx.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("kubeguard-resource-server");
    map.addURLPattern("/mcp");
    ctx.addFilterMap(map);
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      throw new IllegalStateException("the HTTP server could not start", e);
    }
    if (tomcat.getConnector().getLocalPort() < 0) {
      destroyQuietly(tomcat);
      throw new IllegalStateException(
          "port " + port + " on 127.0.0.1 is in use: pass --port N (or stop what holds it)", new BindException());
    }
    return new FrontDoor(tomcat);
  }

  /** The port the container listens on. */
  int port() {
    return tomcat.getConnector().getLocalPort();
  }

  @Override
  public void close() {
    destroyQuietly(tomcat);
  }

  private static void destroyQuietly(Tomcat tomcat) {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      // Shutting down anyway; nothing left to serve.
    }
  }
}

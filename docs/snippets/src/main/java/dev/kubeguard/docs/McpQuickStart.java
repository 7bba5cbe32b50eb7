package dev.kubeguard.docs;

import dev.kubeguard.core.Guard;
import dev.kubeguard.core.oidc.OidcAuthenticator;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import dev.kubeguard.mcp.McpIdentity;
import dev.kubeguard.mcp.McpResourceServerFilter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.net.URI;

/** The README's MCP quick start, compiled. DocsTest checks README.md quotes it verbatim. */
final class McpQuickStart {

  static KubernetesClient wire(Guard guard, McpSyncServerExchange exchange) {
    URI issuer = URI.create("https://login.example.com");
    // tag::mcp[]
    URI resource = URI.create("https://mcp.example.com/mcp");          // this server's canonical URL
    McpResourceServerFilter filter = McpResourceServerFilter.builder()   // map it on /mcp (async on)
        .resource(resource).authorizationServer(issuer).requiredScopes("mcp:tools")
        .authenticator(OidcAuthenticator.builder()
            .issuer(McpResourceServerFilter.issuerFor(issuer, resource).build()).build())
        .build();                          // and mount filter.metadataServlet() at filter.metadataPath()
    var transport = HttpServletStreamableServerTransportProvider.builder()
        .mcpEndpoint("/mcp").contextExtractor(McpIdentity.contextExtractor()).build();
    GuardedKubernetesClient guarded = KubeGuardFabric8.guard(new KubernetesClientBuilder(), guard);
    // in a tool handler: every call of k8s is decided, masked and audited as the verified caller
    KubernetesClient k8s = guarded.as(McpIdentity.from(exchange), McpIdentity.callContext(exchange, "get_secret"));
    // end::mcp[]
    transport.close();
    return k8s;
  }

  private McpQuickStart() {}
}

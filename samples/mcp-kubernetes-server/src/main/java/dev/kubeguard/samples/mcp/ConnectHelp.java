package dev.kubeguard.samples.mcp;

import java.io.PrintStream;

/**
 * Prints how to reach a running server: the MCP URL, where the OAuth metadata is, the demo users'
 * tokens (embedded issuer only), the command line for a common MCP client, and how an approver
 * answers a held request. Tokens are printed here on purpose, once, for the demo; the server
 * never logs them. Stateless.
 */
final class ConnectHelp {
  private ConnectHelp() {}

  static void print(ServerStack server, PrintStream out) {
    out.println();
    out.println("KubeGuard MCP Kubernetes server");
    out.println("  MCP endpoint (Streamable HTTP): " + server.resource());
    out.println("  Kubernetes:                     " + server.clusterDescription());
    out.println("  OIDC issuer:                    " + server.issuer() + (server.demoIssuer() ? " (embedded demo issuer)" : ""));
    out.println("  OAuth metadata (RFC 9728):      " + server.metadataUrl());
    out.println("  Approvals endpoint:             " + server.approvalsUrl());
    out.println("  Audit trail (JSON Lines):       " + server.audit());
    if (!server.demoIssuer()) {
      out.println();
      out.println("Tokens come from your issuer: audience " + server.resource() + ", scope " + ServerStack.SCOPE + ".");
      return;
    }
    out.println();
    out.println("Demo users (tokens valid " + DemoIssuer.TOKEN_LIFETIME.toHours() + "h, for this run only):");
    for (DemoUser user : DemoUser.values()) {
      out.println("  " + user.name().toLowerCase() + " " + user.userName() + " groups " + user.groups() + ":");
      out.println("    " + server.tokenFor(user));
    }
    out.println();
    out.println("Connect an MCP client as the developer, e.g. Claude Code:");
    out.println("  claude mcp add --transport http kubeguard " + server.resource()
        + " --header \"Authorization: Bearer " + server.tokenFor(DemoUser.DEVELOPER) + "\"");
    out.println("or any client that takes a JSON config (\"type\": \"http\" is Streamable HTTP):");
    out.println("  {\"mcpServers\": {\"kubeguard\": {\"type\": \"http\", \"url\": \"" + server.resource()
        + "\", \"headers\": {\"Authorization\": \"Bearer <token>\"}}}}");
    out.println();
    out.println("A delete is held for approval; the tool error names the approval id. An approver answers with");
    out.println("their own token (never through MCP):");
    out.println("  curl -s -H \"Authorization: Bearer <approver token>\" " + server.approvalsUrl());
    out.println("  curl -s -X POST -H \"Authorization: Bearer <approver token>\" " + server.approvalsUrl() + "/<approval id>/approve");
    out.println();
    out.println("Ctrl-C stops the server.");
  }
}

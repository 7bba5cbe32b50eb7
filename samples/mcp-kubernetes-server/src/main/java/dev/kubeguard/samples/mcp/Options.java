package dev.kubeguard.samples.mcp;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The command line. With no options: embedded cluster, embedded issuer, port 8765. A kubeconfig
 * ({@code --kubeconfig}, else the {@code KUBECONFIG} environment variable) selects a real
 * cluster; {@code --issuer} a real OIDC issuer. {@code ~/.kube/config} is never picked up
 * implicitly, and the scenario (which deletes a demo Deployment) runs only on the embedded
 * cluster, so trying the demo cannot touch a real cluster by accident. Immutable.
 *
 * @param scenario drive the server with the MCP SDK's client, print each step, exit with the result
 * @param port the HTTP port (0: any free port; the scenario's default)
 * @param kubeconfig a real cluster's kubeconfig, or {@code null} for the embedded one
 * @param issuer a real OIDC issuer, or {@code null} for the embedded demo issuer
 * @param groupsClaim the token claim holding groups
 * @param policy a policy file, or {@code null} for the bundled one
 * @param audit the audit trail file, or {@code null} for a fresh one in a temporary directory
 * @param approvalsNamespace where ApprovalRequests live on a configured cluster
 * @param dryRunPreview whether held writes are previewed with a server-side dry run (a configured cluster)
 * @param notifyWebhook a webhook told of every held request, or {@code null}
 * @param notifySlack whether that webhook takes Slack's incoming-webhook messages
 */
record Options(
    boolean scenario, int port, Path kubeconfig, URI issuer, String groupsClaim, Path policy, Path audit,
    String approvalsNamespace, boolean dryRunPreview, URI notifyWebhook, boolean notifySlack) {

  /** The embedded defaults for everything after {@code audit}. */
  Options(boolean scenario, int port, Path kubeconfig, URI issuer, String groupsClaim, Path policy, Path audit) {
    this(scenario, port, kubeconfig, issuer, groupsClaim, policy, audit, DEFAULT_APPROVALS_NAMESPACE, true, null, false);
  }

  static final String DEFAULT_APPROVALS_NAMESPACE = "kubeguard";

  static final int DEFAULT_PORT = 8765;

  static final String USAGE =
      """
      usage: mcp-kubernetes-server [--scenario] [--port N] [--kubeconfig FILE] [--issuer URL]
                                   [--groups-claim NAME] [--policy FILE] [--audit FILE]
                                   [--approvals-namespace NS] [--no-dry-run-preview]
                                   [--notify-webhook URL] [--notify-slack]
        --scenario        drive the server with the MCP Java SDK's client, step by step; exit 0 if all passed
        --port N          HTTP port (default 8765; the scenario picks a free one)
        --kubeconfig FILE use this cluster (default: $KUBECONFIG if set, else an embedded demo API server)
        --issuer URL      trust this OIDC issuer (default: an embedded demo issuer printing tokens)
        --groups-claim C  token claim holding groups (default: groups)
        --policy FILE     GuardPolicy / RBAC YAML (default: the bundled policy.yaml)
        --audit FILE      JSON Lines audit trail (default: a new file in a temporary directory)
        --approvals-namespace NS  with a cluster: where ApprovalRequest objects live (default: kubeguard)
        --no-dry-run-preview      with a cluster: do not preview held writes with dryRun=All
        --notify-webhook URL      POST every held request to this webhook (JSON)
        --notify-slack            ... as a Slack incoming-webhook message instead
      """;

  /** Parses {@code args}; {@code env} supplies {@code KUBECONFIG}. Throws with the usage on errors. */
  static Options parse(String[] args, Map<String, String> env) {
    boolean scenario = false;
    Integer port = null;
    Path kubeconfig = null;
    URI issuer = null;
    String groupsClaim = "groups";
    Path policy = null;
    Path audit = null;
    String approvalsNamespace = DEFAULT_APPROVALS_NAMESPACE;
    boolean dryRunPreview = true;
    URI notifyWebhook = null;
    boolean notifySlack = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--scenario" -> scenario = true;
        case "--port" -> port = parsePort(value(args, ++i, a));
        case "--kubeconfig" -> kubeconfig = Path.of(value(args, ++i, a));
        case "--issuer" -> issuer = parseIssuer(value(args, ++i, a));
        case "--groups-claim" -> groupsClaim = value(args, ++i, a);
        case "--policy" -> policy = Path.of(value(args, ++i, a));
        case "--audit" -> audit = Path.of(value(args, ++i, a));
        case "--approvals-namespace" -> approvalsNamespace = value(args, ++i, a);
        case "--no-dry-run-preview" -> dryRunPreview = false;
        case "--notify-webhook" -> notifyWebhook = parseIssuer(value(args, ++i, a));
        case "--notify-slack" -> notifySlack = true;
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
      }
    }
    if (scenario && kubeconfig != null) {
      throw new IllegalArgumentException("--scenario deletes demo objects, so it runs only on the embedded cluster; drop --kubeconfig");
    }
    // The scenario ignores $KUBECONFIG for the same reason: it must never touch a real cluster.
    if (!scenario && kubeconfig == null && env.get("KUBECONFIG") != null && !env.get("KUBECONFIG").isBlank()) {
      // KUBECONFIG may list several files; fabric8 reads the first, as kubectl's merge would start.
      kubeconfig = Path.of(env.get("KUBECONFIG").split(java.io.File.pathSeparator)[0]);
    }
    if (scenario && issuer != null) {
      throw new IllegalArgumentException("--scenario needs the embedded issuer (it mints the demo users' tokens); drop --issuer");
    }
    return new Options(scenario, port != null ? port : scenario ? 0 : DEFAULT_PORT,
        kubeconfig, issuer, groupsClaim, policy, audit, approvalsNamespace, dryRunPreview, notifyWebhook, notifySlack);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static int parsePort(String s) {
    try {
      int p = Integer.parseInt(s);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("--port must be 0..65535, got " + s);
  }

  private static URI parseIssuer(String s) {
    URI u = URI.create(s);
    if (!u.isAbsolute() || u.getHost() == null) {
      throw new IllegalArgumentException("--issuer and --notify-webhook take an absolute URL such as https://login.example.com, got " + s);
    }
    return u;
  }
}

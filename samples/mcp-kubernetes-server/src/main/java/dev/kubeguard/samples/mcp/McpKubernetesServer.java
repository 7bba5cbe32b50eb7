package dev.kubeguard.samples.mcp;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;

/**
 * An MCP server (MCP Java SDK, Streamable HTTP, embedded Tomcat 11) with the tools an agent needs
 * to operate a Kubernetes cluster, every call made as the caller's verified identity through
 * KubeGuard: policy, masking, approvals, audit.
 *
 * <pre>
 * ./mvnw -B -q -DskipTests -pl samples/mcp-kubernetes-server -am package exec:java
 * ./mvnw -B -q -DskipTests -pl samples/mcp-kubernetes-server -am package exec:java -Dexec.args=--scenario
 * </pre>
 *
 * <p>Without options it runs against an embedded API server and an embedded OIDC issuer and
 * prints how to connect; Ctrl-C stops it. {@code --scenario} drives it step by step and exits 0
 * only if every step behaved as expected. See {@link Options} for the rest.
 */
public final class McpKubernetesServer {
  /** Prefix of the user names taken from tokens, as kube-apiserver's {@code --oidc-username-prefix}. */
  public static final String USERNAME_PREFIX = "oidc:";

  // Held so the JUL configuration is not garbage-collected (JUL keeps loggers weakly).
  private static final java.util.logging.Logger QUIET_TOMCAT = java.util.logging.Logger.getLogger("org.apache");
  private static final java.util.logging.Logger QUIET_MOCK = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
  // Tomcat's leak detector reports the SDK's and fabric8's shared worker threads at every stop.
  private static final java.util.logging.Logger QUIET_LEAKS =
      java.util.logging.Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");

  private McpKubernetesServer() {}

  public static void main(String[] args) throws Exception {
    int status = run(args, System.getenv(), System.out, System.err, true);
    // exec:java would otherwise wait for the server's non-daemon threads; exit with the result.
    System.exit(status);
  }

  /**
   * Runs the server (blocking until the JVM stops, when {@code untilShutdown}) or the scenario,
   * and returns the exit status: 0 when the scenario passed, 1 when it did not, 2 on bad options
   * or a failure to start.
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, boolean untilShutdown)
      throws Exception {
    QUIET_TOMCAT.setLevel(Level.WARNING);
    QUIET_MOCK.setLevel(Level.WARNING);
    QUIET_LEAKS.setLevel(Level.SEVERE);
    Options options;
    try {
      options = Options.parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    ServerStack server;
    try {
      server = ServerStack.start(options);
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("cannot start: " + e.getMessage());
      return 2;
    }
    try {
      if (options.scenario()) {
        out.println("Scenario against " + server.resource() + " (" + server.clusterDescription() + ")");
        return new Scenario(server, out).run() == 0 ? 0 : 1;
      }
      ConnectHelp.print(server, out);
      if (untilShutdown) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          server.close();
          stopped.countDown();
        }, "mcp-kubernetes-server-shutdown"));
        stopped.await();
      }
      return 0;
    } finally {
      server.close();
    }
  }
}

package dev.kubeguard.samples.mcp;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a command in a pod's container. The Guard decides the exec handshake for the caller (as
 * {@code create pods/exec}); what the command prints afterwards travels in WebSocket frames the
 * Guard does not see, so it is not masked: grant exec only to people trusted with the pod's
 * secrets. Output is capped; the command gets a bounded time. Stateless; thread-safe.
 */
final class ExecTool {
  private static final int MAX_OUTPUT_BYTES = 64 * 1024;

  private ExecTool() {}

  static SyncToolSpecification spec(ToolRunner runner) {
    return runner.tool("exec_in_pod",
        "Run a command (no shell implied) in a pod's container and return its output and exit code.",
        Schema.object(List.of("namespace", "name", "command"), "namespace", Schema.NAMESPACE,
            "name", Schema.string("Pod name"),
            "container", Schema.string("Container name; needed when the pod has several"),
            "command", Schema.strings("Program and arguments, e.g. [\"ls\", \"-l\", \"/\"]"),
            "timeoutSeconds", Schema.integer("How long to wait for the command (default 20)", 1, 120)),
        ExecTool::exec);
  }

  private static String exec(ToolArgs args, KubernetesClient k8s) throws Exception {
    String namespace = args.namespace();
    String name = args.name("name");
    String container = args.optionalLabel("container");
    List<String> command = args.command("command", 64);
    int timeout = args.integer("timeoutSeconds", 1, 120, 20);
    Capped out = new Capped();
    Capped err = new Capped();
    PodResource pod = k8s.pods().inNamespace(namespace).withName(name);
    var target = container == null ? pod : pod.inContainer(container);
    try (ExecWatch watch = target.writingOutput(out).writingError(err).exec(command.toArray(String[]::new))) {
      Integer code;
      try {
        code = watch.exitCode().get(timeout, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        return "the command did not finish within " + timeout + "s and was abandoned\nstdout:\n" + out + "\nstderr:\n" + err;
      }
      return "exit code " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /** Keeps the first {@link #MAX_OUTPUT_BYTES} bytes, counts the rest. */
  private static final class Capped extends OutputStream {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int room = Math.max(0, MAX_OUTPUT_BYTES - kept.size());
      kept.write(b, off, Math.min(room, len));
      dropped += Math.max(0, len - room);
    }

    @Override
    public synchronized String toString() {
      return kept.toString(StandardCharsets.UTF_8) + (dropped > 0 ? "\n... (" + dropped + " more bytes cut)" : "");
    }
  }
}

package dev.kubeguard.samples.approver;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@link FolderApprover} for real: alice's delete of a ConfigMap blocks until a file in the
 * approvals folder answers it. By default the demo plays bob and drops the file itself after a
 * moment, printing the command; with {@code --wait} it waits for you to run it (two minutes).
 *
 * <pre>./mvnw -B -q -DskipTests -pl samples/custom-approver -am package exec:java [-Dexec.args=--wait]</pre>
 */
public final class FolderApproverDemo {
  private static final String POLICY = """
      apiVersion: kubeguard.dev/v1
      kind: GuardPolicy
      metadata: {name: folder-approvals}
      spec:
        rules:
        - name: developers-work-in-shop
          subjects: {groups: [developers]}
          effect: allow
          match: {verbs: ["*"], apiGroups: [""], resources: [configmaps], namespaces: [shop]}
        - name: deletes-wait-for-a-lead
          subjects: {groups: [developers]}
          effect: approve
          approval: {approverGroups: [sre-leads], mode: Blocking, ttl: 2m}
          match: {verbs: [delete], apiGroups: [""], resources: ["*"], namespaces: [shop]}
      """;

  // Held: JUL keeps loggers weakly, and the mock server logs every request at INFO.
  private static final java.util.logging.Logger QUIET_MOCK = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private FolderApproverDemo() {}

  public static void main(String[] args) throws Exception {
    QUIET_MOCK.setLevel(java.util.logging.Level.WARNING);
    boolean waitForHuman = args.length > 0 && args[0].equals("--wait");
    Path folder = Files.createTempDirectory("kubeguard-approvals");
    KubernetesMockServer cluster = new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    cluster.init(InetAddress.getLoopbackAddress(), 0);
    try (FolderApprover approver = new FolderApprover(folder, Map.of("bob", Identity.of("bob", "sre-leads")))) {
      Guard guard = Guard.builder().policy(PolicyLoader.fromYaml("policy.yaml", POLICY))
          .approver(approver).approvalTimeout(Duration.ofMinutes(2))
          .recorder(event -> { }) // the audit trail is not this sample's subject
          .build();
      var config = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.url("/")).withOauthToken("sa-token").build();
      try (GuardedKubernetesClient guarded = KubeGuardFabric8.builder(guard).config(config)
          .httpClientFactory(new JdkHttpClientFactory()).build()) {
        KubernetesClient alice = guarded.as(Identity.of("alice", "developers"), CallContext.forTool("cleanup", "demo"));
        alice.configMaps().inNamespace("shop").resource(new ConfigMapBuilder()
            .withNewMetadata().withName("old-flags").endMetadata().build()).create();
        System.out.println("alice deletes ConfigMap shop/old-flags; it waits for an answer in " + folder);
        if (!waitForHuman) {
          playBob(folder);
        }
        alice.configMaps().inNamespace("shop").withName("old-flags").delete();
        System.out.println("approved: the delete went through; ConfigMap still there? "
            + (alice.configMaps().inNamespace("shop").withName("old-flags").get() != null));
      }
    } finally {
      cluster.destroy();
    }
  }

  // Stands in for a person: waits for the request file, shows it, answers as bob.
  private static void playBob(Path folder) {
    Thread bob = new Thread(() -> {
      try {
        Path request;
        while ((request = find(folder)) == null) {
          Thread.sleep(200);
        }
        String id = request.getFileName().toString().replace(".request", "");
        System.out.println("  " + request.getFileName() + ": " + Files.readString(request).strip());
        System.out.println("  bob runs: echo bob > " + folder.resolve(id + ".approved"));
        Files.writeString(folder.resolve(id + ".approved"), "bob\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bob");
    bob.setDaemon(true);
    bob.start();
  }

  private static Path find(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.toString().endsWith(".request")).findFirst().orElse(null);
    }
  }
}

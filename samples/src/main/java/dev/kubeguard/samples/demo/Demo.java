package dev.kubeguard.samples.demo;

import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.approval.ManualApprover;
import dev.kubeguard.core.audit.AuditVerificationResult;
import dev.kubeguard.core.audit.AuditVerifier;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What an MCP server's Kubernetes calls look like behind KubeGuard: a developer's agent reads a
 * Secret and a Deployment (masked), tries to exec into a pod (denied, never sent), deletes a
 * Deployment (held until a lead approves, then the identical retry passes), and the audit trail
 * verifies, until someone edits it.
 *
 * <p>Runs against a loopback stand-in API server answering with responses captured from a real
 * cluster: {@code ./mvnw -B -q -DskipTests -pl samples -am package exec:java}.
 */
public final class Demo {

  /** The demo's chain key; a real deployment loads it with ChainKey.fromFile or fromEnv. */
  private static final ChainKey AUDIT_KEY = ChainKey.generate();
  private static final Identity ALICE = new Identity("alice@example.com", "", List.of("developers", Identity.AUTHENTICATED), null, "https://idp.example.com");
  private static final Identity BOB = Identity.of("bob@example.com", "sre-leads", Identity.AUTHENTICATED);

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("kubeguard-demo");
    Path audit = work.resolve("audit.jsonl");
    List<ApprovalRequest> held = new CopyOnWriteArrayList<>();
    ManualApprover approver = new ManualApprover().onRequest(held::add);

    try (StandInApiServer cluster = new StandInApiServer();
        JsonlAuditRecorder recorder = JsonlAuditRecorder.builder().path(audit).chainKey(AUDIT_KEY).build()) {
      // The three lines an MCP server adds: a Guard, and a guarded client builder.
      Guard guard = Guard.builder()
          .policy(PolicyLoader.fromYaml("demo/policy.yaml", new String(StandInApiServer.capture("policy.yaml"), StandardCharsets.UTF_8)))
          .masker(DefaultMasker.builder().randomKey().build())
          .recorder(recorder)
          .approver(approver)
          .build();
      Config config = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.url())
          .withOauthToken("the-mcp-servers-own-service-account-token").withRequestRetryBackoffLimit(0).build();
      GuardedKubernetesClient guarded = KubeGuardFabric8.builder(guard)
          .config(config).httpClientFactory(new JdkHttpClientFactory()).build();

      // Per MCP tool call: a client bound to the verified caller.
      KubernetesClient asAlice = guarded.as(ALICE, CallContext.forTool("get_secret", "mcp-session-42"));

      step("1. alice's agent reads Secret shop/db-creds: allowed by RBAC, secrets masked as they stream");
      Secret secret = asAlice.secrets().inNamespace("shop").withName("db-creds").get();
      secret.getData().forEach((k, v) -> say("   data.%s = %s  (still base64: \"%s\")", k, v, decode(v)));
      say("   last-applied-configuration = %s",
          secret.getMetadata().getAnnotations().get("kubectl.kubernetes.io/last-applied-configuration").strip());

      step("2. alice's agent reads Deployment shop/web: the literal DB_PASSWORD env value is masked");
      Deployment web = asAlice.apps().deployments().inNamespace("shop").withName("web").get();
      web.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
          .forEach(e -> say("   env %s = %s", e.getName(), e.getValue() != null ? e.getValue() : "(from " + e.getValueFrom().getSecretKeyRef().getName() + ")"));

      step("3. alice's agent tries to exec into a pod: denied by rule no-exec, nothing sent");
      try {
        asAlice.pods().inNamespace("shop").withName("web-1").writingOutput(new ByteArrayOutputStream()).exec("sh", "-c", "cat /etc/secret");
        say("   (unexpected: exec was allowed)");
      } catch (KubernetesClientException e) {
        say("   %s", forbidden(e));
      }
      say("   exec requests that reached the API server: %d",
          cluster.received().stream().filter(r -> r.contains("/exec")).count());

      step("4. alice's agent deletes Deployment shop/web: held for a lead's approval");
      KubernetesClient deleting = guarded.as(ALICE, CallContext.forTool("delete_deployment", "mcp-session-42"));
      try {
        deleting.apps().deployments().inNamespace("shop").withName("web").delete();
      } catch (KubernetesClientException e) {
        say("   %s", forbidden(e));
      }
      ApprovalRequest request = held.get(0);
      say("   bob (sre-leads) sees %s: %s %s by %s, and approves it", request.id(),
          request.request().attributes().verb(), request.request().request().uri(), request.request().identity().user());
      approver.approve(request.id(), BOB, "ok for the migration");
      deleting.apps().deployments().inNamespace("shop").withName("web").delete();
      say("   alice's identical retry passes: %s", cluster.received().get(cluster.received().size() - 1));
      try {
        deleting.apps().deployments().inNamespace("shop").withName("web").delete();
      } catch (KubernetesClientException e) {
        say("   and the approval was single-use: a third delete is held again (%s)", e.getCode());
      }
      recorder.sync();

      step("5. the audit trail: audit.k8s.io/v1 events, hash-chained, bodies recorded only masked");
      List<String> lines = Files.readAllLines(audit);
      say("   %d events in %s", lines.size(), audit);
      say("   leaked plaintext in the trail? %s", String.join("\n", lines).contains("S3cr3t-Pa55w0rd!") ? "YES" : "no");
      AuditVerificationResult ok = AuditVerifier.verifyChain(audit, AuditVerifier.Options.keyed(AUDIT_KEY));
      say("   kubeguard audit verify: %s", ok.summary());
      lines.set(2, lines.get(2).replace("\"verb\":\"get\"", "\"verb\":\"list\""));
      Path tampered = work.resolve("tampered.jsonl");
      Files.write(tampered, lines);
      say("   after editing one line:    %s", AuditVerifier.verify(List.of(tampered), AuditVerifier.Options.keyed(AUDIT_KEY).withHeadFile(audit.resolveSibling("audit.jsonl.head"))).summary());
    }
  }

  private static String forbidden(KubernetesClientException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 403) {
        return "403 Forbidden: " + k.getStatus().getMessage();
      }
    }
    return e.getMessage();
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static void step(String title) {
    System.out.println();
    System.out.println(title);
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(format, args));
  }

  private Demo() {}
}

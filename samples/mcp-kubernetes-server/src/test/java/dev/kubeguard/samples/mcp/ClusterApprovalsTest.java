package dev.kubeguard.samples.mcp;

import static dev.kubeguard.samples.mcp.RunningServer.call;
import static dev.kubeguard.samples.mcp.RunningServer.isError;
import static dev.kubeguard.samples.mcp.RunningServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a cluster configured (a kubeconfig; here one pointing at fabric8's mock API server, which
 * stands in for a real one), held requests become ApprovalRequest objects in the cluster through
 * {@code KubernetesApprover}, answered on the same approvals endpoint with the approver's own
 * token. The mock ignores {@code dryRun}, so this run turns the dry-run preview off.
 */
class ClusterApprovalsTest {

  private static final ResourceDefinitionContext APPROVALS = new ResourceDefinitionContext.Builder()
      .withGroup("kubeguard.dev").withVersion("v1alpha1").withPlural("approvalrequests").withKind("ApprovalRequest")
      .withNamespaced(true).build();
  private static final Map<String, Object> DELETE = Map.of("kind", "Pod", "namespace", "shop", "name", "web-5d9c7b-k8m3n");

  @TempDir Path dir;

  private Path kubeconfig(DemoCluster cluster) throws Exception {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s"}}]
        users: [{name: mock, user: {token: mock-token}}]
        contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: default}}]
        current-context: mock
        """.formatted(cluster.config().getMasterUrl());
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void aHeldDeleteBecomesAnApprovalRequestObjectAnsweredOnTheApproversPageAndTheRetryPasses() throws Exception {
    try (DemoCluster cluster = DemoCluster.start();
        ServerStack server = ServerStack.start(new Options(false, 0, kubeconfig(cluster), null, "groups", null,
            dir.resolve("audit.jsonl"), "kubeguard", false, null, false));
        KubernetesClient admin = new KubernetesClientBuilder().withConfig(cluster.config())
            .withHttpClientFactory(new JdkHttpClientFactory()).build();
        McpSyncClient dana = RunningServer.client(server, DemoUser.DEVELOPER)) {
      assertThat(server.desk()).isInstanceOf(ClusterDesk.class);

      String held = text(call(dana, "delete_resource", DELETE));
      Matcher m = Pattern.compile("approval (apr-[a-z0-9-]+) is pending").matcher(held);
      assertThat(m.find()).as(held).isTrue();
      String id = m.group(1);
      String page = pageBase(server) + "/approvals/" + id;
      assertThat(held).startsWith("Held for approval: ").contains("kubeguard approvals approve " + id + " -n kubeguard")
          .contains(page);
      GenericKubernetesResource object = admin.genericKubernetesResources(APPROVALS).inNamespace("kubeguard").withName(id).get();
      assertThat(object).as("held in the cluster, not in this process").isNotNull();
      Map<?, ?> spec = (Map<?, ?>) object.getAdditionalProperties().get("spec");
      assertThat(spec.get("answerUrl")).as("guard-approval-web's page, which kubeguard approvals reads").isEqualTo(page);
      assertThat(((Map<?, ?>) spec.get("view")).get("diffNote")).isEqualTo("dry-run preview is turned off for this approver");

      HttpResponse<String> bySre = post(server, id, server.tokenFor(DemoUser.SRE));
      assertThat(bySre.statusCode()).isEqualTo(403);
      assertThat(bySre.body()).contains("answer refused");
      HttpResponse<String> bySreOnThePage = answerOnThePage(server, id, server.tokenFor(DemoUser.SRE));
      assertThat(bySreOnThePage.statusCode()).as(bySreOnThePage.body()).isIn(403, 404);
      HttpResponse<String> approved = answerOnThePage(server, id, server.tokenFor(DemoUser.APPROVER));
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
      assertThat(approved.body()).contains("\"answeredBy\":\"oidc:alex\"");

      McpSchema.CallToolResult retry = null;
      for (int i = 0; i < 100; i++) {
        retry = call(dana, "delete_resource", DELETE);
        if (!isError(retry)) {
          break;
        }
        Thread.sleep(50); // the informer delivers the answer to the Guard's replica shortly
      }
      assertThat(text(retry)).isEqualTo("deleted Pod shop/web-5d9c7b-k8m3n");
    }
  }

  private static String pageBase(ServerStack server) {
    return server.approvalsUrl().resolve("/kubeguard/approvals").toString();
  }

  /** Answers through guard-approval-web's JSON API, as {@code kubeguard approvals approve} does. */
  private static HttpResponse<String> answerOnThePage(ServerStack server, String id, String token) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(pageBase(server) + "/api/approvals/" + id + "/approve"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"comment\":\"looks right\"}"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(ServerStack server, String id, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.approvalsUrl() + "/" + id + "/approve"))
        .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubeguard approvals list} against a mock cluster in CRUD mode, with kubectl's connection flags. */
class ApprovalsListTest {

  static final Instant NOW = Instant.parse("2025-03-01T10:05:00Z");
  private static final String LIST_PATH = "/apis/kubeguard.dev/v1alpha1/namespaces/ops/approvalrequests";

  @TempDir Path dir;
  private final ApprovalCluster cluster = new ApprovalCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private CliRun run(String... args) throws Exception {
    return CliRun.of(new ApprovalsCommand(Clock.fixed(NOW, ZoneOffset.UTC)), "", args);
  }

  private String kubeconfig() throws Exception {
    return cluster.tokenKubeconfig(dir, "ops", "alice-token").toString();
  }

  private static ApprovalCluster.Obj configMapCreate() {
    ApprovalCluster.Obj o = new ApprovalCluster.Obj().id("apr-fedcba9876543210-1")
        .requestedAt(Instant.parse("2025-03-01T10:03:00Z"));
    o.user = "eve";
    o.method = "POST";
    o.path = "/api/v1/namespaces/shop/configmaps";
    o.verb = "create";
    o.apiGroup = "";
    o.resource = "configmaps";
    o.objectNamespace = "shop";
    o.objectName = "";
    o.expiresAt = Instant.parse("2025-03-01T10:13:00Z");
    return o;
  }

  @Test
  void listPrintsThePendingApprovalsAsAKubectlTableNewestFirst() throws Exception {
    cluster.put(new ApprovalCluster.Obj().build());
    cluster.put(configMapCreate().build());

    CliRun r = run("list", "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(
        "ID                       STATE     REQUESTER   VERB     RESOURCE           NAMESPACE/NAME   EXPIRES   AGE\n"
      + "apr-fedcba9876543210-1   PENDING   eve         create   configmaps         shop/<none>      in 8m     2m\n"
      + "apr-0123456789abcdef-1   PENDING   bob         delete   deployments.apps   prod/web         in 5m     5m\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void listReadsTheContextsNamespaceWithTheKubeconfigUsersToken() throws Exception {
    cluster.put(new ApprovalCluster.Obj().build());

    run("list", "--kubeconfig", kubeconfig());

    List<RecordedRequest> sent = cluster.requests();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).getMethod()).isEqualTo("GET");
    assertThat(sent.get(0).getPath()).isEqualTo(LIST_PATH);
    assertThat(sent.get(0).getHeader("Authorization")).isEqualTo("Bearer alice-token");
  }

  @Test
  void tokenFlagReplacesTheKubeconfigUsersCredential() throws Exception {
    run("list", "--kubeconfig", kubeconfig(), "--token", "flag-token");

    assertThat(cluster.requests()).singleElement()
        .satisfies(q -> assertThat(q.getHeader("Authorization")).isEqualTo("Bearer flag-token"));
  }

  @Test
  void anExecCredentialPluginsTokenIsUsed() throws Exception {
    Path plugin = dir.resolve("credential-plugin");
    Files.writeString(plugin, """
        #!/bin/sh
        echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token"}}'
        """);
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
    Path kubeconfig = cluster.kubeconfig(dir, "ops", """
        exec:
          apiVersion: client.authentication.k8s.io/v1
          command: %s
          interactiveMode: Never
        """.formatted(plugin));

    assertThat(run("list", "--kubeconfig", kubeconfig.toString()).exit()).isZero();

    assertThat(cluster.requests()).singleElement()
        .satisfies(q -> assertThat(q.getHeader("Authorization")).isEqualTo("Bearer exec-token"));
  }

  @Test
  void namespaceAndContextFlagsChooseWhereTheApprovalsAreRead() throws Exception {
    cluster.put(new ApprovalCluster.Obj().build());

    CliRun other = run("list", "--kubeconfig", kubeconfig(), "--context", "other");
    CliRun explicit = run("list", "--kubeconfig=" + kubeconfig(), "-n", "shop");

    assertThat(other.exit()).isZero();
    assertThat(other.out()).isEmpty();
    assertThat(other.err()).isEqualTo("No pending approvals in namespace elsewhere.\n");
    assertThat(explicit.err()).isEqualTo("No pending approvals in namespace shop.\n");
    assertThat(cluster.requests()).extracting(RecordedRequest::getPath).containsExactly(
        "/apis/kubeguard.dev/v1alpha1/namespaces/elsewhere/approvalrequests",
        "/apis/kubeguard.dev/v1alpha1/namespaces/shop/approvalrequests");
  }

  @Test
  void answeredExpiredAndUsedApprovalsShowOnlyWithAll() throws Exception {
    Instant at = Instant.parse("2025-03-01T10:01:00Z");
    cluster.put(new ApprovalCluster.Obj().id("apr-pending").build());
    cluster.put(new ApprovalCluster.Obj().id("apr-approved").answer("Approved", "alice", "ok", at, "seal").build());
    cluster.put(new ApprovalCluster.Obj().id("apr-denied").answer("Denied", "alice", "no", at, "seal").build());
    ApprovalCluster.Obj used = new ApprovalCluster.Obj().id("apr-used").answer("Approved", "alice", "", at, "seal");
    used.used = true;
    cluster.put(used.build());
    ApprovalCluster.Obj expired = new ApprovalCluster.Obj().id("apr-expired");
    expired.expiresAt = Instant.parse("2025-03-01T10:04:00Z");
    cluster.put(expired.build());

    CliRun pending = run("list", "--kubeconfig", kubeconfig(), "-o", "json");
    CliRun all = run("list", "--kubeconfig", kubeconfig(), "--all", "-o", "json");

    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(pending.out()).path("items")).extracting(n -> n.path("id").asText())
        .containsExactly("apr-pending");
    assertThat(json.readTree(all.out()).path("items")).extracting(n -> n.path("id").asText() + "=" + n.path("state").asText())
        .containsExactlyInAnyOrder("apr-pending=PENDING", "apr-approved=APPROVED", "apr-denied=DENIED",
            "apr-used=USED", "apr-expired=EXPIRED");
  }

  @Test
  void anAnswerWithoutASealCountsForNothing() throws Exception {
    // Written by hand, not by a replica: the request is still open, as the replicas see it.
    cluster.put(new ApprovalCluster.Obj().answer("Approved", "mallory", "", Instant.parse("2025-03-01T10:01:00Z"), "")
        .build());

    JsonNode item = new ObjectMapper().readTree(run("list", "--kubeconfig", kubeconfig(), "-o", "json").out())
        .path("items").path(0);

    assertThat(item.path("state").asText()).isEqualTo("PENDING");
    assertThat(item.path("answers")).isEmpty();
  }

  @Test
  void jsonOutputIsTheApprovalServersViewWithAbsentViewFieldsEmpty() throws Exception {
    cluster.put(new ApprovalCluster.Obj().build());

    CliRun r = run("list", "--kubeconfig", kubeconfig(), "-o", "json");

    assertThat(r.exit()).isZero();
    JsonNode item = new ObjectMapper().readTree(r.out()).path("items").path(0);
    assertThat(item.path("id").asText()).isEqualTo("apr-0123456789abcdef-1");
    assertThat(item.path("namespace").asText()).isEqualTo("ops");
    assertThat(item.path("state").asText()).isEqualTo("PENDING");
    assertThat(item.path("requester").asText()).isEqualTo("bob");
    assertThat(item.path("requesterGroups")).extracting(JsonNode::asText).containsExactly("developers", "system:authenticated");
    assertThat(item.path("verb").asText()).isEqualTo("delete");
    assertThat(item.path("apiGroup").asText()).isEqualTo("apps");
    assertThat(item.path("resource").asText()).isEqualTo("deployments");
    assertThat(item.path("objectNamespace").asText()).isEqualTo("prod");
    assertThat(item.path("objectName").asText()).isEqualTo("web");
    assertThat(item.path("method").asText()).isEqualTo("DELETE");
    assertThat(item.path("approverGroups")).extracting(JsonNode::asText).containsExactly("sre");
    assertThat(item.path("approvalsNeeded").asInt()).isEqualTo(1);
    assertThat(item.path("requestedAt").asText()).isEqualTo("2025-03-01T10:00:00Z");
    assertThat(item.path("expiresAt").asText()).isEqualTo("2025-03-01T10:10:00Z");
    assertThat(item.path("maskedBody").isTextual()).isTrue();
    assertThat(item.path("maskedBody").asText()).isEmpty();
    assertThat(item.path("diff").asText()).isEmpty();
    assertThat(item.path("diffNote").asText()).isEmpty();
    assertThat(item.path("answerUrl").asText()).isEmpty();
    assertThat(item.path("answers").isArray()).isTrue();
  }

  @Test
  void yamlOutputHoldsTheSameViewAsJson() throws Exception {
    cluster.put(new ApprovalCluster.Obj().view("{\n  \"spec\": {}\n}", "--- live\n+++ dry-run\n", "").build());

    JsonNode fromJson = new ObjectMapper().readTree(run("list", "--kubeconfig", kubeconfig(), "-o", "json").out());
    JsonNode fromYaml = new YAMLMapper().readTree(run("list", "--kubeconfig", kubeconfig(), "-o", "yaml").out());

    assertThat(fromYaml).isEqualTo(fromJson);
    assertThat(fromJson.path("items").path(0).path("maskedBody").asText()).isEqualTo("{\n  \"spec\": {}\n}");
  }

  @Test
  void aForbiddenListSaysWhichRoleApproversNeedAndExitsOne() throws Exception {
    cluster.server.expect().get().withPath(LIST_PATH)
        .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,"
            + "\"message\":\"approvalrequests.kubeguard.dev is forbidden\"}").always();

    CliRun r = run("list", "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("kubeguard approvals list: forbidden to list approvalrequests.kubeguard.dev in "
        + "namespace ops (403): approvers need the kubeguard-approver Role (get, list, watch, approve) there\n");
  }

  @Test
  void anUnreachableClusterExitsOneNamingIt() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path kubeconfig = dir.resolve("gone");
    Files.writeString(kubeconfig, Files.readString(Path.of(kubeconfig()))
        .replace(cluster.server.url("/"), "http://127.0.0.1:" + port + "/"));

    CliRun r = run("list", "--kubeconfig", kubeconfig.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kubeguard approvals list: cannot reach the cluster at http://127.0.0.1:" + port + "/");
  }

  @Test
  void aZeroRequestTimeoutWaitsForTheAnswer() throws Exception {
    cluster.put(new ApprovalCluster.Obj().build());

    CliRun r = run("list", "--kubeconfig", kubeconfig(), "--request-timeout", "0");

    assertThat(r.exit()).isZero();
    assertThat(r.lines()).hasSize(2);
  }
}

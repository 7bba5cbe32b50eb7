package dev.kubeguard.samples.mcp;

import static dev.kubeguard.samples.mcp.RunningServer.call;
import static dev.kubeguard.samples.mcp.RunningServer.isError;
import static dev.kubeguard.samples.mcp.RunningServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools as an agent uses them, through the SDK's client, on the embedded cluster: what
 * changes, what comes back, and how failures read.
 */
class KubernetesToolsTest {
  @TempDir static Path dir;
  private static ServerStack server;
  private static McpSyncClient sre;
  private static McpSyncClient developer;

  @BeforeAll
  static void start() throws Exception {
    server = RunningServer.start(dir.resolve("audit.jsonl"));
    sre = RunningServer.client(server, DemoUser.SRE);
    developer = RunningServer.client(server, DemoUser.DEVELOPER);
  }

  @AfterAll
  static void stop() {
    try {
      sre.close();
      developer.close();
    } finally {
      server.close();
    }
  }

  private static void assertNoInternals(String text) {
    String apiServer = server.demoCluster().config().getMasterUrl();
    assertThat(text)
        .doesNotContain(apiServer)
        .doesNotContain(apiServer.replaceFirst("/$", ""))
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContainPattern("https?://127\\.0\\.0\\.1:\\d+/api");
  }

  @Test
  void advertisesEveryToolWithAnInputSchema() {
    List<McpSchema.Tool> tools = sre.listTools().tools();

    assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder(
        "list_namespaces", "list_resources", "get_resource", "pod_logs",
        "apply_manifest", "patch_resource", "scale", "delete_resource", "exec_in_pod");
    assertThat(tools).allSatisfy(t -> assertThat(t.inputSchema()).containsEntry("type", "object"));
  }

  @Test
  void listsNamespaces() {
    McpSchema.CallToolResult result = call(developer, "list_namespaces", Map.of());

    assertThat(isError(result)).as(text(result)).isFalse();
    assertThat(text(result).lines()).contains("shop", "dev", "payments");
  }

  @Test
  void appliesAManifestWithServerSideApplyAndReadsItBack() {
    String manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: feature-flags, namespace: dev}
        data: {CHECKOUT_V3: "on"}
        """;

    McpSchema.CallToolResult applied = call(developer, "apply_manifest", Map.of("manifest", manifest));
    McpSchema.CallToolResult read = call(developer, "get_resource",
        Map.of("kind", "cm", "namespace", "dev", "name", "feature-flags"));

    assertThat(isError(applied)).as(text(applied)).isFalse();
    assertThat(text(applied)).startsWith("applied ConfigMap dev/feature-flags");
    assertThat(text(read)).contains("CHECKOUT_V3: \"on\"");
  }

  @Test
  void patchesAnObject() {
    McpSchema.CallToolResult patched = call(developer, "patch_resource", Map.of("kind", "ConfigMap",
        "namespace", "shop", "name", "web-config", "patch", "{\"data\":{\"LOG_LEVEL\":\"debug\"}}"));
    McpSchema.CallToolResult read = call(developer, "get_resource",
        Map.of("kind", "ConfigMap", "namespace", "shop", "name", "web-config"));

    assertThat(isError(patched)).as(text(patched)).isFalse();
    assertThat(text(read)).contains("LOG_LEVEL: \"debug\"");
  }

  @Test
  void scalesADeployment() {
    McpSchema.CallToolResult scaled = call(sre, "scale",
        Map.of("kind", "Deployment", "namespace", "shop", "name", "worker", "replicas", 3));
    McpSchema.CallToolResult listed = call(sre, "list_resources", Map.of("kind", "deploy", "namespace", "shop"));

    assertThat(isError(scaled)).as(text(scaled)).isFalse();
    assertThat(text(listed)).contains("shop/worker  replicas=3");
  }

  @Test
  void readsPodLogs() {
    McpSchema.CallToolResult logs = call(developer, "pod_logs",
        Map.of("namespace", "shop", "name", "web-5d9c7b-x2x7q", "tailLines", 10));

    assertThat(isError(logs)).as(text(logs)).isFalse();
    assertThat(text(logs)).contains("listening on :8080");
  }

  @Test
  void deploymentEnvSecretsAreMaskedInWhatTheAgentReads() {
    McpSchema.CallToolResult read = call(sre, "get_resource",
        Map.of("kind", "Deployment", "namespace", "dev", "name", "api"));

    assertThat(text(read)).contains("DB_PASSWORD").contains("kubeguard-masked:").doesNotContain(DemoCluster.DB_PASSWORD);
  }

  @Test
  void invalidArgumentsAreToolErrorsSayingWhatToFixAndNothingIsSent() {
    int before = server.demoCluster().received().size();

    McpSchema.CallToolResult badNamespace = call(developer, "list_resources", Map.of("kind", "Pod", "namespace", "Shop_1"));
    McpSchema.CallToolResult badReplicas = call(sre, "scale",
        Map.of("kind", "Deployment", "namespace", "shop", "name", "web", "replicas", -1));
    McpSchema.CallToolResult badCommand = call(sre, "exec_in_pod",
        Map.of("namespace", "shop", "name", "web-5d9c7b-x2x7q", "command", "rm -rf /"));
    McpSchema.CallToolResult unknownKind = call(sre, "list_resources", Map.of("kind", "Widget"));

    // Two layers say it: the SDK checks the advertised JSON Schema, the tool checks the rest.
    assertThat(List.of(badNamespace, badReplicas, badCommand, unknownKind)).allSatisfy(r -> {
      assertThat(isError(r)).isTrue();
      assertThat(text(r)).containsPattern("^(Invalid arguments:|Tool \\(\\w+\\) input validation failed)");
      assertNoInternals(text(r));
    });
    assertThat(text(badNamespace)).contains("\"namespace\"").contains("lower-case");
    assertThat(text(badReplicas)).contains("replicas").contains("minimum value of 0");
    assertThat(text(badCommand)).contains("command").contains("array");
    assertThat(text(unknownKind)).contains("apiVersion").contains("Deployment");
    assertThat(server.demoCluster().received()).hasSize(before);
  }

  @Test
  void aMissingObjectSaysSoAndHowToFindWhatExists() {
    McpSchema.CallToolResult missing = call(sre, "get_resource",
        Map.of("kind", "Deployment", "namespace", "shop", "name", "nope"));

    assertThat(isError(missing)).isTrue();
    assertThat(text(missing)).contains("\"nope\" not found in namespace shop").contains("list_resources");
    assertNoInternals(text(missing));
  }

  @Test
  void aFailureInsideTheClusterNeverShowsTheApiServerUrlOrAStackTrace() {
    // Allowed for SREs by policy; the embedded API server cannot exec, so the handshake fails.
    McpSchema.CallToolResult failed = call(sre, "exec_in_pod",
        Map.of("namespace", "shop", "name", "web-5d9c7b-x2x7q", "command", List.of("ls")));

    assertThat(isError(failed)).isTrue();
    assertNoInternals(text(failed));
  }

  @Test
  void theAuditTrailNamesTheCallerAndTheTool() throws Exception {
    call(developer, "get_resource", Map.of("kind", "Secret", "namespace", "shop", "name", "db-credentials"));
    server.syncAudit();

    List<String> events = Files.readAllLines(server.audit());
    assertThat(events)
        .anySatisfy(e -> assertThat(e).contains("oidc:dana").contains("\"kubeguard.dev/tool\":\"get_resource\"")
            .contains("/namespaces/shop/secrets/db-credentials"));
    assertThat(String.join("\n", events)).doesNotContain(DemoCluster.DB_PASSWORD);
  }
}

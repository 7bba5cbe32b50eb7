package dev.kubeguard.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.oidc.TestIssuer;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end: the SDK's MCP client calls a tool on a real MCP server behind the filter; the tool
 * reads a Secret from fabric8's CRUD mock API server through a guarded fabric8 client bound to the
 * caller's verified identity; the Guard's default masker masks what reaches the model.
 */
class McpToolKubernetesCallsTest {
  private static final String SERVICE_ACCOUNT_TOKEN = "service-account-token-of-the-mcp-server";
  private static final String POLICY =
      """
      apiVersion: kubeguard.dev/v1
      kind: GuardPolicy
      metadata: {name: mcp-secrets}
      spec:
        defaults: {auditLevel: Metadata}
        rules:
        - name: alice-reads-shop-secrets
          subjects: {users: ["oidc:alice"]}
          effect: allow
          match: {verbs: [get], apiGroups: [""], resources: [secrets], namespaces: [shop]}
      """;

  private static final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private static final AtomicReference<String> sessionOnTheWire = new AtomicReference<>();
  private static TestIssuer issuer;
  private static KubernetesMockServer cluster;
  private static GuardedKubernetesClient guarded;
  private static EmbeddedMcpServer mcp;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    cluster =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    cluster.init();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(cluster.url("/"))
            .withOauthToken(SERVICE_ACCOUNT_TOKEN)
            .withRequestRetryBackoffLimit(0)
            .build();
    try (KubernetesClient admin =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build()) {
      admin.secrets().inNamespace("shop").resource(secret()).create();
    }

    Guard guard =
        Guard.builder()
            .policy(PolicyLoader.fromYaml("mcp-secrets.yaml", POLICY))
            .recorder(events::add)
            .build();
    guarded =
        KubeGuardFabric8.builder(guard)
            .config(config)
            .httpClientFactory(new JdkHttpClientFactory())
            .build();

    mcp =
        EmbeddedMcpServer.start(
            issuer,
            request -> {
              // What the client really sent, to compare with what the audit trail says.
              String session = request.getHeader("Mcp-Session-Id");
              if (session != null) {
                sessionOnTheWire.set(session);
              }
              return McpIdentity.contextExtractor().extract(request);
            },
            transport ->
                McpServer.sync(transport)
                    .serverInfo("kubeguard-test", "1.0")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .toolCall(
                        McpSchema.Tool.builder("get_secret", Map.of("type", "object"))
                            .description("reads a Secret in namespace shop")
                            .build(),
                        McpToolKubernetesCallsTest::getSecret)
                    .build());
  }

  // The tool handler under test: its Kubernetes calls are made as the caller, in one line.
  private static McpSchema.CallToolResult getSecret(
      McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
    KubernetesClient k8s =
        guarded.as(McpIdentity.from(exchange), McpIdentity.callContext(exchange, "get_secret"));
    String name = String.valueOf(request.arguments().get("name"));
    try {
      Secret secret = k8s.secrets().inNamespace("shop").withName(name).get();
      return McpSchema.CallToolResult.builder()
          .addTextContent(secret.getMetadata().getName() + "=" + secret.getData().get("password"))
          .build();
    } catch (KubernetesClientException e) {
      return McpSchema.CallToolResult.builder()
          .isError(true)
          .addTextContent(e.getCode() + " " + e.getStatus().getReason() + ": " + e.getStatus().getMessage())
          .build();
    }
  }

  private static Secret secret() {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("db")
        .endMetadata()
        .addToData("password", "czNjcjN0")
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      mcp.close();
    } finally {
      guarded.close();
      cluster.destroy();
      issuer.close();
    }
  }

  @BeforeEach
  void forgetEarlierCalls() throws InterruptedException {
    drainClusterRequests();
    events.clear();
  }

  private static List<RecordedRequest> drainClusterRequests() throws InterruptedException {
    List<RecordedRequest> seen = new ArrayList<>();
    RecordedRequest r;
    while ((r = cluster.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      seen.add(r);
    }
    return seen;
  }

  private static McpSchema.CallToolResult getSecretAs(String subject) {
    try (McpSyncClient client = mcp.client(mcp.tokenFor(subject))) {
      client.initialize();
      return client.callTool(
          McpSchema.CallToolRequest.builder("get_secret").arguments(Map.of("name", "db")).build());
    }
  }

  private static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void toolReadsTheSecretAsTheVerifiedCallerAndTheAuditNamesToolAndSession() {
    McpSchema.CallToolResult result = getSecretAs("alice");

    assertThat(result.isError()).as(text(result)).isNotEqualTo(Boolean.TRUE);
    // The model sees the Secret, masked: still base64, never the value.
    assertThat(text(result)).startsWith("db=").doesNotContain("czNjcjN0");
    assertThat(new String(java.util.Base64.getDecoder().decode(text(result).substring(3)), java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("kubeguard-masked:");
    List<AuditEvent> secretGets =
        events.stream().filter(e -> e.requestUri().endsWith("/namespaces/shop/secrets/db")).toList();
    assertThat(secretGets)
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.user().user()).isEqualTo("oidc:alice");
              assertThat(e.user().groups()).contains("dev");
              assertThat(e.verb()).isEqualTo("get");
              assertThat(e.annotations())
                  .containsEntry("kubeguard.dev/decision", "allow")
                  .containsEntry("kubeguard.dev/rule", "alice-reads-shop-secrets")
                  .containsEntry("kubeguard.dev/tool", "get_secret")
                  .containsEntry("kubeguard.dev/session", sessionOnTheWire.get());
            });
    assertThat(sessionOnTheWire.get()).isNotBlank();
  }

  @Test
  void otherCallerGetsAForbiddenToolErrorAndTheClusterSeesNothing() {
    int before = cluster.getRequestCount();

    McpSchema.CallToolResult result = getSecretAs("bob");

    assertThat(result.isError()).isTrue();
    assertThat(text(result))
        .startsWith("403 Forbidden")
        .contains("User \"oidc:bob\" cannot get resource \"secrets\"");
    assertThat(cluster.getRequestCount()).isEqualTo(before);
    assertThat(events)
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.user().user()).isEqualTo("oidc:bob");
              assertThat(e.annotations())
                  .containsEntry("kubeguard.dev/decision", "deny")
                  .containsEntry("kubeguard.dev/tool", "get_secret")
                  .containsEntry("kubeguard.dev/session", sessionOnTheWire.get());
            });
  }

  @Test
  void callersBearerTokenNeverReachesTheCluster() throws InterruptedException {
    String aliceToken = mcp.tokenFor("alice");
    try (McpSyncClient client = mcp.client(aliceToken)) {
      client.initialize();
      McpSchema.CallToolResult result =
          client.callTool(
              McpSchema.CallToolRequest.builder("get_secret").arguments(Map.of("name", "db")).build());
      assertThat(result.isError()).as(text(result)).isNotEqualTo(Boolean.TRUE);
    }

    List<RecordedRequest> received = drainClusterRequests();
    assertThat(received)
        .extracting(RecordedRequest::getPath)
        .anySatisfy(path -> assertThat(path).startsWith("/api/v1/namespaces/shop/secrets/db"));
    assertThat(received)
        .allSatisfy(
            r -> {
              assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + SERVICE_ACCOUNT_TOKEN);
              assertThat(r.getHeaders().toMultimap().toString()).doesNotContain(aliceToken);
              assertThat(r.getPath() + r.getUtf8Body()).doesNotContain(aliceToken);
            });
  }
}

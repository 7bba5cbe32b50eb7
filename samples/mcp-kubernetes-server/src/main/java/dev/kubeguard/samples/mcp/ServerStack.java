package dev.kubeguard.samples.mcp;

import dev.kubeguard.api.spi.ApprovalNotifier;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import dev.kubeguard.approval.web.ApprovalWeb;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.approval.ManualApprover;
import dev.kubeguard.core.approval.WebhookNotifier;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.oidc.OidcAuthenticator;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import dev.kubeguard.mcp.McpIdentity;
import dev.kubeguard.mcp.McpResourceServerFilter;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

/**
 * Everything the server runs, started in order and closed in reverse: the cluster (embedded or
 * from a kubeconfig), the issuer (embedded or real), the Guard (policy, default masking,
 * approvals, JSON Lines audit), the guarded fabric8 client, the MCP server and its HTTP front
 * door. Approvals are held in this process ({@link ManualDesk}) on the embedded cluster, and as
 * ApprovalRequest objects ({@link ClusterDesk}, {@code KubernetesApprover}) on a configured one,
 * so several replicas of the server share them. Start with {@link #start(Options)}; {@link #close()} is idempotent and safe from a
 * shutdown hook. Thread-safe once started.
 */
final class ServerStack implements AutoCloseable {
  /** The scope every MCP call's token must carry. */
  static final String SCOPE = "mcp:tools";
  /** Where the replicas' shared answer key comes from (base64 of at least 32 random bytes). */
  static final String ANSWER_KEY_ENV = "KUBEGUARD_ANSWER_KEY";
  private static final Logger LOG = LoggerFactory.getLogger(ServerStack.class);

  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private DemoCluster demoCluster;
  private DemoIssuer demoIssuer;
  private URI issuer;
  private URI resource;
  private URI approvalsUrl;
  private Path audit;
  private JsonlAuditRecorder recorder;
  private KubernetesClient replicaClient;
  private ChainKey auditKey;
  private McpResourceServerFilter filter;
  private String clusterDescription;
  private ApprovalDesk desk;
  private boolean closed;

  private ServerStack() {}

  /** Starts everything {@code options} asks for; on failure, closes what was started and rethrows. */
  static ServerStack start(Options options) throws Exception {
    ServerStack stack = new ServerStack();
    try {
      stack.startAll(options);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Options options) throws Exception {
    int port = options.port() == 0 ? freePort() : options.port();
    String base = "http://127.0.0.1:" + port;
    resource = URI.create(base + "/mcp");
    approvalsUrl = URI.create(base + "/approvals");

    Config config = clusterConfig(options);
    if (options.issuer() == null) {
      demoIssuer = closing(DemoIssuer.start());
      issuer = demoIssuer.issuer();
    } else {
      issuer = options.issuer();
    }
    OidcAuthenticator authenticator = closing(OidcAuthenticator.builder()
        .issuer(McpResourceServerFilter.issuerFor(issuer, resource)
            .usernamePrefix(McpKubernetesServer.USERNAME_PREFIX)
            .groupsClaim(options.groupsClaim())
            .build())
        .build());
    filter = McpResourceServerFilter.builder()
        .resource(resource).authorizationServer(issuer).requiredScopes(SCOPE)
        .authenticator(authenticator).build();

    audit = options.audit() != null ? options.audit()
        : Files.createTempDirectory("kubeguard-mcp").resolve("audit.jsonl");
    // The chain key comes from the environment; without it the sample keys its trail for this run only.
    auditKey = System.getenv(ChainKey.ENV) != null ? ChainKey.fromEnv(ChainKey.ENV) : ChainKey.generate();
    recorder = closing(JsonlAuditRecorder.builder().path(audit).chainKey(auditKey).build());
    // One masker for responses, the trail and what approvers see: equal secrets, equal tokens.
    Masker masker = DefaultMasker.builder().randomKey().build();
    ApprovalNotifier notifier = notifier(options);
    desk = options.kubeconfig() == null
        ? new ManualDesk(withNotifier(new ManualApprover(), notifier), approvalsUrl)
        : clusterDesk(options, config, authenticator, masker, notifier);
    Guard guard = Guard.builder()
        .policy(options.policy() != null ? PolicyLoader.load(options.policy())
            : PolicyLoader.fromYaml("policy.yaml", bundledPolicy()))
        .masker(masker)
        .recorder(recorder)
        .approver(desk.approver())
        .build();
    GuardedKubernetesClient guarded = closing(KubeGuardFabric8.builder(guard)
        .config(config)
        .httpClientFactory(new JdkHttpClientFactory())
        .build());

    ToolRunner runner = new ToolRunner(guarded, new ToolErrors(desk));
    List<SyncToolSpecification> tools = new ArrayList<>(ReadTools.all(runner));
    tools.addAll(ChangeTools.all(runner));
    tools.add(ExecTool.spec(runner));
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .mcpEndpoint("/mcp")
            .contextExtractor(McpIdentity.contextExtractor())
            .build();
    McpSyncServer mcp = McpServer.sync(transport)
        .serverInfo("kubeguard-mcp-kubernetes-server", "0.1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(tools)
        .build();
    toClose.push(mcp::closeGracefully);
    HttpServlet approverPage = desk instanceof ClusterDesk cluster
        ? new dev.kubeguard.approval.web.ApprovalServlet(ApprovalWeb.builder()
            .approver(cluster.approver())
            .client(replicaClient)
            .oidc(authenticator)
            .recorder(recorder)
            .build())
        : null;
    toClose.push(FrontDoor.start(port, filter, transport, new ApprovalServlet(authenticator, desk), approverPage));
  }

  private ApprovalNotifier notifier(Options options) {
    if (options.notifyWebhook() == null) {
      return null;
    }
    return closing(WebhookNotifier.builder().url(options.notifyWebhook())
        .format(options.notifySlack() ? WebhookNotifier.Format.SLACK : WebhookNotifier.Format.JSON).build());
  }

  private static ManualApprover withNotifier(ManualApprover approver, ApprovalNotifier notifier) {
    return notifier == null ? approver : approver.notifier(notifier);
  }

  // Held requests as ApprovalRequest objects, with the server's own (unguarded) credentials: it
  // needs the RBAC of rbac-replica.yaml, and for previews the rights of the writes it previews.
  private ClusterDesk clusterDesk(Options options, Config config, OidcAuthenticator authenticator, Masker masker,
      ApprovalNotifier notifier) {
    KubernetesClient replica = closing(new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory()).build());
    replicaClient = replica;
    String page = approvalsUrl.resolve(FrontDoor.APPROVER_PAGE).toString() + "/approvals/{id}";
    KubernetesApprover.Builder b = KubernetesApprover.builder()
        .client(replica)
        .namespace(options.approvalsNamespace())
        .answerKey(answerKey())
        .oidc(authenticator)
        .masker(masker)
        .dryRun(options.dryRunPreview())
        .answerUrl(page)
        .whereToAnswer("the approvers' page " + page + ", kubeguard approvals approve {id} -n "
            + options.approvalsNamespace() + ", or POST " + approvalsUrl + "/{id}/approve with the approver's own token");
    if (notifier != null) {
      b.notifier(notifier);
    }
    return new ClusterDesk(closing(b.build()), approvalsUrl, options.approvalsNamespace());
  }

  private static byte[] answerKey() {
    String env = System.getenv(ANSWER_KEY_ENV);
    if (env != null && !env.isBlank()) {
      return Base64.getDecoder().decode(env.strip());
    }
    // Without a shared key only this process can read its own answers: fine for one replica.
    LOG.warn("{} is not set: answers are sealed with a key for this process only; replicas will not share them", ANSWER_KEY_ENV);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** Where held requests wait: in this process, or in the cluster. */
  ApprovalDesk desk() {
    return desk;
  }

  private Config clusterConfig(Options options) throws IOException {
    if (options.kubeconfig() == null) {
      demoCluster = closing(DemoCluster.start());
      clusterDescription = "an embedded demo API server (fabric8 mock, CRUD mode) at 127.0.0.1";
      return demoCluster.config();
    }
    Path file = options.kubeconfig();
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("kubeconfig " + file + " is not a readable file");
    }
    Config config = Config.fromKubeconfig(null, Files.readString(file), file.toString());
    clusterDescription = "the cluster of context \"" + config.getCurrentContext().getName() + "\" in " + file;
    return config;
  }

  private static String bundledPolicy() throws IOException {
    try (InputStream in = ServerStack.class.getResourceAsStream("/mcp-kubernetes-server/policy.yaml")) {
      if (in == null) {
        throw new IOException("bundled policy.yaml is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    toClose.push(resource);
    return resource;
  }

  /** The MCP endpoint, also the tokens' audience. */
  URI resource() {
    return resource;
  }

  URI approvalsUrl() {
    return approvalsUrl;
  }

  URI issuer() {
    return issuer;
  }

  URI metadataUrl() {
    return filter.metadataUrl();
  }

  /** The key the trail is chained with (to verify it). */
  ChainKey auditKey() {
    return auditKey;
  }

  Path audit() {
    return audit;
  }

  String clusterDescription() {
    return clusterDescription;
  }

  /** The embedded cluster, or {@code null} on a real one. */
  DemoCluster demoCluster() {
    return demoCluster;
  }

  /** A token for {@code user} from the embedded issuer; fails with a real issuer. */
  String tokenFor(DemoUser user) {
    if (demoIssuer == null) {
      throw new IllegalStateException("tokens come from your issuer (--issuer), not from this server");
    }
    return demoIssuer.tokenFor(user, resource, "openid " + SCOPE);
  }

  boolean demoIssuer() {
    return demoIssuer != null;
  }

  /** Makes every audit event recorded so far durable. */
  void syncAudit() throws RecordingException {
    recorder.sync();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!toClose.isEmpty()) {
      try {
        toClose.pop().close();
      } catch (Exception e) {
        // Keep closing the rest; a half-stopped demo must still release its ports.
      }
    }
    // Reactor's shared workers were started from Tomcat's threads; stop them with it.
    Schedulers.shutdownNow();
  }
}

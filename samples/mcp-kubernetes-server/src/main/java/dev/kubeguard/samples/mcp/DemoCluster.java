package dev.kubeguard.samples.mcp;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The embedded Kubernetes API used when no cluster is configured: fabric8's mock API server in
 * CRUD mode (objects created, read, patched and deleted are really stored; a server-side apply
 * of a new object creates it, as on a real cluster) on 127.0.0.1, seeded
 * with demo namespaces, Secrets, ConfigMaps, Deployments and Pods. It runs no containers: pod
 * logs are canned lines, and exec is not supported (an allowed exec fails at the handshake).
 *
 * <p>Thread-safe (the mock server serves concurrently). {@link #close()} stops it.
 */
public final class DemoCluster implements AutoCloseable {
  /** The password stored in Secret {@code shop/db-credentials}; it must never reach an agent. */
  public static final String DB_PASSWORD = "S3cr3t-Pa55w0rd!";

  /** The credentials the MCP server itself uses against the embedded API server. */
  static final String SERVICE_ACCOUNT_TOKEN = "embedded-mcp-server-service-account-token";

  private static final Pattern LOG_PATH =
      Pattern.compile("^/api/v1/namespaces/[^/]+/pods/[^/?]+/log(\\?.*)?$");

  private final KubernetesMockServer server;
  private final WithCannedLogs dispatcher = new WithCannedLogs(new KubernetesCrudDispatcher());

  private DemoCluster() {
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  /** Starts the API server on a free loopback port and seeds it. */
  public static DemoCluster start() {
    DemoCluster cluster = new DemoCluster();
    try (KubernetesClient admin =
        new KubernetesClientBuilder()
            .withConfig(cluster.config())
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build()) {
      seed(admin);
    }
    return cluster;
  }

  /** How the MCP server connects: the server's URL and its own service-account token. */
  public Config config() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(server.url("/"))
        .withOauthToken(SERVICE_ACCOUNT_TOKEN)
        .withRequestRetryBackoffLimit(0)
        .build();
  }

  /** Every request that reached this API server, as {@code METHOD path?query}, oldest first. */
  public List<String> received() {
    return List.copyOf(dispatcher.received);
  }

  private static void seed(KubernetesClient k8s) {
    for (String ns : new String[] {"shop", "dev", "payments", "kube-system"}) {
      k8s.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    k8s.secrets().inNamespace("shop").resource(new SecretBuilder()
        .withNewMetadata().withName("db-credentials").endMetadata()
        .withType("Opaque")
        .addToData("username", b64("shop"))
        .addToData("password", b64(DB_PASSWORD))
        .build()).create();
    k8s.secrets().inNamespace("payments").resource(new SecretBuilder()
        .withNewMetadata().withName("card-processor").endMetadata()
        .addToData("api-key", b64("sk_live_51HypotheticalKey"))
        .build()).create();
    k8s.configMaps().inNamespace("shop").resource(new ConfigMapBuilder()
        .withNewMetadata().withName("web-config").endMetadata()
        .addToData("LOG_LEVEL", "info").addToData("FEATURE_CHECKOUT_V2", "true")
        .build()).create();
    deployment(k8s, "shop", "web", 2, "nginx:1.27");
    deployment(k8s, "shop", "worker", 1, "ghcr.io/example/worker:1.4");
    deployment(k8s, "dev", "api", 1, "ghcr.io/example/api:2.0");
    pod(k8s, "shop", "web-5d9c7b-x2x7q", "web");
    pod(k8s, "shop", "web-5d9c7b-k8m3n", "web");
    pod(k8s, "shop", "worker-7f6d5c-p9q2r", "worker");
    pod(k8s, "dev", "api-6b8f9d-z4w5v", "api");
  }

  private static void deployment(KubernetesClient k8s, String ns, String name, int replicas, String image) {
    k8s.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName(name).withImage(image)
        .addNewEnv().withName("DB_PASSWORD").withValue(DB_PASSWORD).endEnv()
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
  }

  private static void pod(KubernetesClient k8s, String ns, String name, String app) {
    k8s.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
        .withNewSpec().addNewContainer().withName(app).withImage("example/" + app).endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.destroy();
  }

  /** CRUD for everything, plus a few plausible log lines for any pod (CRUD mode has no logs). */
  private static final class WithCannedLogs extends Dispatcher {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private final KubernetesCrudDispatcher crud;
    final List<String> received = new CopyOnWriteArrayList<>();

    WithCannedLogs(KubernetesCrudDispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      received.add(request.getMethod() + " " + request.getPath());
      if ("GET".equals(request.getMethod()) && LOG_PATH.matcher(request.getPath()).matches()) {
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
            .setBody(String.join("\n", List.of(
                "2026-12-01T10:00:00Z starting, listening on :8080",
                "2026-12-01T10:00:01Z connected to postgres://shop@db:5432/shop",
                "2026-12-01T10:00:02Z GET /healthz 200")) + "\n");
      }
      if (isApplyOfMissingObject(request)) {
        return createFromApply(request);
      }
      return crud.dispatch(request);
    }

    // Server-side apply creates what does not exist yet; fabric8's CRUD mock answers 404 instead,
    // so an apply of a new object is stored as a create of the same object.
    private boolean isApplyOfMissingObject(RecordedRequest request) {
      String type = request.getHeader("Content-Type");
      return "PATCH".equals(request.getMethod()) && type != null && type.startsWith("application/apply-patch")
          && crud.handleGet(request.getPath().split("\\?", 2)[0]).code() == 404;
    }

    private MockResponse createFromApply(RecordedRequest request) {
      String path = request.getPath().split("\\?", 2)[0];
      String collection = path.substring(0, path.lastIndexOf('/'));
      GenericKubernetesResource object =
          SERIALIZATION.unmarshal(request.getUtf8Body(), GenericKubernetesResource.class);
      byte[] json = SERIALIZATION.asJson(object).getBytes(StandardCharsets.UTF_8);
      return crud.handleCreate(new RecordedRequest(
          request.getHttpVersion(), HttpMethod.POST, collection, request.getHeaders(), new Buffer(json)));
    }

    @Override
    public void shutdown() {
      crud.shutdown();
    }
  }
}

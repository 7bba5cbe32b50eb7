package dev.kubeguard.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode holding ApprovalRequest objects laid out as
 * guard-kubernetes-approver's {@code ApprovalObject} writes them (plus the view helper's
 * {@code spec.view} and {@code spec.answerUrl} when given), and kubeconfig files pointing at it.
 * Not thread-safe to configure.
 */
final class ApprovalCluster implements AutoCloseable {

  final KubernetesMockServer server;
  private final KubernetesClient admin;

  ApprovalCluster() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withRequestRetryBackoffLimit(0).build();
    admin = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
  }

  /** Stores {@code o} as the replicas would have. */
  void put(GenericKubernetesResource o) {
    admin.genericKubernetesResources(Cluster.APPROVAL_REQUESTS).inNamespace(o.getMetadata().getNamespace())
        .resource(o).create();
    drain();
  }

  /** The requests the server received since the last call (the test's own writes are drained by {@link #put}). */
  List<RecordedRequest> requests() {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    try {
      while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
        out.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  private void drain() {
    requests();
  }

  /** A kubeconfig with one context {@code test} (current) for {@code user}'s credential lines, namespace {@code ns}. */
  Path kubeconfig(Path dir, String ns, String userYaml) throws IOException {
    Path file = dir.resolve("kubeconfig-" + System.nanoTime());
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        contexts:
        - name: test
          context:
            cluster: mock
            user: approver
            namespace: %s
        - name: other
          context:
            cluster: mock
            user: approver
            namespace: elsewhere
        current-context: test
        users:
        - name: approver
          user:
        %s
        """.formatted(server.url("/"), ns, userYaml.indent(4).stripTrailing()));
    return file;
  }

  /** A kubeconfig whose user has the static token {@code token}. */
  Path tokenKubeconfig(Path dir, String ns, String token) throws IOException {
    return kubeconfig(dir, ns, "token: " + token);
  }

  /** What an ApprovalRequest object looks like; {@code view} and {@code answerUrl} may be {@code null} (older objects). */
  static final class Obj {
    String id = "apr-0123456789abcdef-1";
    String namespace = "ops";
    String user = "bob";
    List<String> groups = List.of("developers", "system:authenticated");
    String method = "DELETE";
    String path = "/apis/apps/v1/namespaces/prod/deployments/web";
    String verb = "delete";
    String apiGroup = "apps";
    String resource = "deployments";
    String subresource = "";
    String objectNamespace = "prod";
    String objectName = "web";
    String reason = "deleting in prod needs a human";
    List<String> approverGroups = List.of("sre");
    int count = 1;
    long reuseWindowSeconds = 0;
    Instant requestedAt = Instant.parse("2025-03-01T10:00:00Z");
    Instant expiresAt = Instant.parse("2025-03-01T10:10:00Z");
    boolean used = false;
    List<Map<String, Object>> answers = new ArrayList<>();
    Map<String, Object> view = null;
    String answerUrl = null;

    Obj id(String v) {
      id = v;
      return this;
    }

    Obj requestedAt(Instant v) {
      requestedAt = v;
      return this;
    }

    Obj answerUrl(String v) {
      answerUrl = v;
      return this;
    }

    Obj view(String maskedBody, String diff, String diffNote) {
      view = new LinkedHashMap<>();
      view.put("maskedBody", maskedBody);
      view.put("diff", diff);
      view.put("diffNote", diffNote);
      return this;
    }

    Obj answer(String verdict, String who, String comment, Instant at, String seal) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("verdict", verdict);
      a.put("user", who);
      a.put("uid", "uid-" + who);
      a.put("groups", List.of("sre"));
      a.put("comment", comment);
      a.put("decidedAt", at.toString());
      a.put("provenBy", "kubernetes");
      a.put("seal", seal);
      answers.add(a);
      return this;
    }

    GenericKubernetesResource build() {
      Map<String, Object> requester = new LinkedHashMap<>();
      requester.put("user", user);
      requester.put("uid", "uid-" + user);
      requester.put("groups", groups);
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("method", method);
      request.put("path", path);
      request.put("verb", verb);
      request.put("apiGroup", apiGroup);
      request.put("resource", resource);
      request.put("subresource", subresource);
      request.put("namespace", objectNamespace);
      request.put("name", objectName);
      request.put("ruleId", "prod-deletes");
      request.put("reason", reason);
      Map<String, Object> approval = new LinkedHashMap<>();
      approval.put("approverGroups", approverGroups);
      approval.put("count", count);
      approval.put("reuseWindowSeconds", reuseWindowSeconds);
      approval.put("mode", "REQUEST_THEN_RETRY");
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("digest", "ab".repeat(32));
      spec.put("requester", requester);
      spec.put("request", request);
      spec.put("approval", approval);
      spec.put("requestedAt", requestedAt.toString());
      spec.put("expiresAt", expiresAt.toString());
      if (view != null) {
        spec.put("view", view);
      }
      if (answerUrl != null) {
        spec.put("answerUrl", answerUrl);
      }
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("used", used);
      status.put("answers", answers);
      GenericKubernetesResource o = new GenericKubernetesResource();
      o.setApiVersion("kubeguard.dev/v1alpha1");
      o.setKind("ApprovalRequest");
      o.setMetadata(new ObjectMetaBuilder().withName(id).withNamespace(namespace)
          .withLabels(Map.of("kubeguard.dev/digest", "ab".repeat(32).substring(0, 63))).build());
      o.setAdditionalProperty("spec", spec);
      o.setAdditionalProperty("status", status);
      return o;
    }
  }

  @Override
  public void close() {
    admin.close();
    server.destroy();
  }
}

package dev.kubeguard.approval.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * fabric8's mock API server in CRUD mode holding the ApprovalRequests, answering the two reviews
 * an API server answers itself (TokenReview, SubjectAccessReview) from a fixed directory of tokens
 * and what RBAC lets each user do on approvalrequests.kubeguard.dev. Not thread-safe to configure;
 * the server serves concurrently. Shared with guard-approval-web's tests through this module's
 * test-jar.
 */
public final class MockCluster implements AutoCloseable {

  public record Person(String user, String uid, List<String> groups) {}

  /** token -> who it authenticates. */
  public static final Map<String, Person> TOKENS = Map.of(
      "alice-token", new Person("alice", "uid-alice", List.of("sre", "system:authenticated")),
      "carol-token", new Person("carol", "uid-carol", List.of("sre", "system:authenticated")),
      "eve-token", new Person("eve", "uid-eve", List.of("developers", "system:authenticated")),
      "mallory-token", new Person("mallory", "uid-mallory", List.of("sre", "system:authenticated")),
      "dave-token", new Person("dave", "uid-dave", List.of("system:authenticated")),
      "bob-token", new Person("bob", "uid-bob", List.of("sre", "developers", "system:authenticated")));
  /** Who RBAC lets get/list/watch approvalrequests: everyone but dave. */
  public static final Set<String> MAY_VIEW = Set.of("alice", "carol", "eve", "mallory", "bob");
  /** Who RBAC lets {@code approve}: not mallory (bob and eve are stopped by the policy's groups instead). */
  public static final Set<String> MAY_APPROVE = Set.of("alice", "carol", "eve", "bob");

  private static final ObjectMapper JSON = new ObjectMapper();
  public final KubernetesMockServer server;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private KubernetesClient reader;

  public MockCluster() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
    server.init();
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(201, r -> tokenReview(r.getUtf8Body())).always();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .andReply(201, r -> accessReview(r.getUtf8Body())).always();
  }

  public KubernetesClient client() {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace("ops")
        .withRequestRetryBackoffLimit(0).build();
    KubernetesClient c = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    clients.add(c);
    return c;
  }

  private static String tokenReview(String body) {
    try {
      ObjectNode review = (ObjectNode) JSON.readTree(body);
      Person p = TOKENS.get(review.path("spec").path("token").asText());
      ObjectNode status = review.putObject("status");
      status.put("authenticated", p != null);
      if (p != null) {
        ObjectNode user = status.putObject("user");
        user.put("username", p.user());
        user.put("uid", p.uid());
        p.groups().forEach(user.putArray("groups")::add);
      }
      return JSON.writeValueAsString(review);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String accessReview(String body) {
    try {
      ObjectNode review = (ObjectNode) JSON.readTree(body);
      JsonNode attrs = review.path("spec").path("resourceAttributes");
      String user = review.path("spec").path("user").asText();
      String verb = attrs.path("verb").asText();
      boolean ours = attrs.path("group").asText().equals("kubeguard.dev") && attrs.path("resource").asText().equals("approvalrequests")
          && attrs.path("namespace").asText().equals("ops");
      boolean allowed = ours && (verb.equals("approve") ? MAY_APPROVE.contains(user)
          : Set.of("get", "list", "watch").contains(verb) && MAY_VIEW.contains(user));
      review.putObject("status").put("allowed", allowed);
      return JSON.writeValueAsString(review);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits (at most 10 s) until each approver's informer holds exactly what the server stores, at
   * the same resourceVersions, so that no watch event is in flight when their watches close. The
   * mock server's event loop otherwise stalls for 10 s and its shutdown fails: a closing watch
   * ({@code WatchEventsListener.onClosed}) waits on the event loop for the thread that is sending
   * it an event, and that send waits for the event loop.
   */
  public void settle(Collection<KubernetesApprover> approvers) throws InterruptedException {
    await("the approvers' informers catch up with the server's ApprovalRequests", () -> settled(approvers));
  }

  /** Informers deliver asynchronously: waits (at most 10 s) until {@code condition} holds. */
  public static void await(String what, BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never happened: " + what);
  }

  private boolean settled(Collection<KubernetesApprover> approvers) {
    if (reader == null) {
      reader = client();
    }
    for (KubernetesApprover a : approvers) {
      Map<String, String> stored = new HashMap<>();
      reader.genericKubernetesResources(ApprovalObject.CONTEXT).inNamespace(a.namespace()).list().getItems()
          .forEach(o -> stored.put(o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
      if (!a.observedVersions().equals(stored)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }
}

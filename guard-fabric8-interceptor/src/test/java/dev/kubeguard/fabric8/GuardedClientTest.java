package dev.kubeguard.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.approval.ManualApprover;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The guarded fabric8 client against fabric8's mock API server, on each HTTP backend. */
class GuardedClientTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
  private final MarkerMasker masker = new MarkerMasker();
  private KubernetesMockServer server;
  private GuardedKubernetesClient guarded;

  @AfterEach
  void stop() {
    if (guarded != null) {
      guarded.close();
    }
    if (server != null) {
      server.destroy();
    }
  }

  private void crudServer() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init();
  }

  private void expectationServer() {
    server = new KubernetesMockServer(false);
    server.init();
  }

  private Config config() {
    return new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace("shop")
        .withRequestRetryBackoffLimit(0).build();
  }

  private GuardedKubernetesClient guard(Backend backend, PolicyEngine policy, Guard.Builder extra) {
    Guard g = extra.policy(q -> { asked.add(q); return policy.decide(q); }).recorder(events::add).build();
    guarded = KubeGuardFabric8.builder(g).config(config()).httpClientFactory(backend.factory()).build();
    return guarded;
  }

  private GuardedKubernetesClient guard(Backend backend, PolicyEngine policy) {
    return guard(backend, policy, Guard.builder().masker(masker));
  }

  private static Decision allowWithTestProfile(AccessRequest q) {
    return Decision.allow("all", "tests").withObligations(Obligations.defaults().withMaskingProfile("test"));
  }

  private static ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("value", value).build();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void everyCrudVerbPassesForTheBoundUserAndThePolicySeesBodies(Backend backend) {
    crudServer();
    KubernetesClient bob = guard(backend, GuardedClientTest::allowWithTestProfile).as(BOB);

    bob.configMaps().resource(configMap("web", "v1")).create();
    assertThat(bob.configMaps().withName("web").get().getData()).containsEntry("value", "v1");
    assertThat(bob.configMaps().list().getItems()).hasSize(1);
    bob.configMaps().resource(configMap("web", "v2")).update();
    bob.configMaps().withName("web").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"value\":\"v3\"}}");
    bob.configMaps().withName("web").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"replace\",\"path\":\"/data/value\",\"value\":\"v4\"}]");
    assertThat(bob.configMaps().withName("web").get().getData()).containsEntry("value", "v4");
    bob.configMaps().withName("web").delete();
    bob.configMaps().resource(configMap("a", "1")).create();
    bob.configMaps().delete();

    assertThat(asked).extracting(q -> q.attributes().verb())
        .containsSubsequence("create", "get", "list", "update", "patch", "patch", "get", "delete", "create", "deletecollection");
    assertThat(asked).allSatisfy(q -> assertThat(q.identity().user()).isEqualTo("bob"));
    assertThat(asked).filteredOn(q -> q.attributes().verb().equals("patch"))
        .extracting(q -> new String(q.request().body(), StandardCharsets.UTF_8), q -> q.request().header("Content-Type"))
        .anySatisfy(t -> assertThat(t.toList()).containsExactly("{\"data\":{\"value\":\"v3\"}}", "application/merge-patch+json"))
        .anySatisfy(t -> assertThat(t.toList().get(1)).isEqualTo("application/json-patch+json"));
    assertThat(asked).filteredOn(q -> q.attributes().verb().equals("create")).first()
        .satisfies(q -> assertThat(new String(q.request().body(), StandardCharsets.UTF_8)).contains("\"name\":\"web\""));
    assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.user().user()).isEqualTo("bob"));
    assertThat(events).filteredOn(e -> e.stage() == AuditEvent.Stage.ResponseComplete).isNotEmpty();
  }

  /**
   * Against a local server an answer can be complete before fabric8 has handed it to the
   * interceptors (Jetty does this about one time in fifty): the caller must still get it whole,
   * never an empty body read as {@code null}.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void manyQuickAnswersEachArriveWholeOnEveryBackend(Backend backend) {
    crudServer();
    KubernetesClient bob = guard(backend, GuardedClientTest::allowWithTestProfile).as(BOB);
    bob.configMaps().resource(configMap("web", "v1")).create();

    List<String> broken = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ConfigMap one = bob.configMaps().withName("web").get();
      if (one == null || !"v1".equals(one.getData().get("value"))) {
        broken.add("get " + i + ": " + one);
      }
      var all = bob.configMaps().list();
      if (all == null || all.getItems().size() != 1) {
        broken.add("list " + i + ": " + all);
      }
    }
    assertThat(broken).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void deniedRequestNeverReachesTheServerAndRaisesFabric8sForbidden(Backend backend) {
    crudServer();
    KubernetesClient bob = guard(backend, q -> Decision.deny("no-secrets", "secrets are off limits")).as(BOB);
    int before = server.getRequestCount();

    assertThatThrownBy(() -> bob.secrets().withName("db").get())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
          assertThat(e.getStatus().getDetails().getKind()).isEqualTo("secrets");
          assertThat(e.getStatus().getMessage()).contains("User \"bob\" cannot get resource \"secrets\"")
              .contains("secrets are off limits (rule \"no-secrets\")");
        });
    assertThat(server.getRequestCount()).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void strategicMergeAndServerSideApplyPatchesShowTheirBodiesToThePolicy(Backend backend) {
    crudServer();
    KubernetesClient bob = guard(backend, GuardedClientTest::allowWithTestProfile).as(BOB);
    bob.configMaps().resource(configMap("web", "v1")).create();

    // The mock server's support for these patch types does not matter here: the policy must have
    // seen each body, with its patch type, before anything was sent.
    catchThrowable(() -> bob.configMaps().withName("web")
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"data\":{\"value\":\"v2\"}}"));
    catchThrowable(() -> bob.configMaps().resource(configMap("web", "v3")).fieldManager("agent").forceConflicts().serverSideApply());

    assertThat(asked).filteredOn(q -> q.attributes().verb().equals("patch"))
        .extracting(q -> q.request().header("Content-Type"), q -> new String(q.request().body(), StandardCharsets.UTF_8))
        .anySatisfy(t -> assertThat(t.toList()).containsExactly("application/strategic-merge-patch+json", "{\"data\":{\"value\":\"v2\"}}"))
        .anySatisfy(t -> {
          assertThat((String) t.toList().get(0)).startsWith("application/apply-patch+yaml");
          assertThat((String) t.toList().get(1)).contains("v3");
        });
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void approvalHeldDeleteWithDeleteOptionsPassesOnceApprovedAndOnlyOnce(Backend backend) {
    crudServer();
    ManualApprover approver = new ManualApprover();
    PolicyEngine policy = q -> q.attributes().verb().equals("delete")
        ? Decision.requireApproval("deletes", "deletes need approval", ApprovalRequirement.of("sre"))
        : allowWithTestProfile(q);
    KubernetesClient bob = guard(backend, policy, Guard.builder().masker(masker).approver(approver)).as(BOB);
    bob.configMaps().resource(configMap("web", "v1")).create();
    int before = server.getRequestCount();

    KubernetesClientException held = catchThrowableOfType(KubernetesClientException.class,
        () -> bob.configMaps().withName("web").delete());
    assertThat(held.getCode()).isEqualTo(403);
    assertThat(approver.pending()).singleElement().satisfies(r -> {
      assertThat(held.getMessage()).contains(r.id());
      assertThat(new String(r.request().request().body(), StandardCharsets.UTF_8)).contains("DeleteOptions");
    });
    assertThat(server.getRequestCount()).isEqualTo(before);

    approver.approve(approver.pending().get(0).id(), Identity.of("alice", "sre"), "ok");
    assertThat(bob.configMaps().withName("web").delete()).isNotEmpty();
    assertThat(bob.configMaps().withName("web").get()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void unboundClientIsDeniedUnlessAServiceIdentityIsConfigured(Backend backend) {
    crudServer();
    KubernetesClient unbound = guard(backend, GuardedClientTest::allowWithTestProfile).client();
    assertThatThrownBy(() -> unbound.configMaps().list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getMessage()).contains("no identity is bound");
        });
    assertThat(server.getRequestCount()).isZero();
    guarded.close();

    Guard g = Guard.builder().masker(masker).policy(GuardedClientTest::allowWithTestProfile).build();
    guarded = KubeGuardFabric8.builder(g).config(config()).httpClientFactory(backend.factory())
        .serviceIdentity(Identity.serviceAccount("ops", "mcp")).build();
    assertThat(guarded.client().configMaps().list().getItems()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void responsesPassThroughTheMaskerChunkByChunk(Backend backend) {
    crudServer();
    KubernetesClient bob = guard(backend, GuardedClientTest::allowWithTestProfile).as(BOB);
    bob.configMaps().resource(configMap("cfg", "password=" + MarkerMasker.MARKER)).create();
    int fed = masker.chunks.get();

    assertThat(bob.configMaps().withName("cfg").get().getData()).containsEntry("value", "password=" + MarkerMasker.MASK);
    assertThat(bob.configMaps().list().getItems()).singleElement()
        .satisfies(c -> assertThat(c.getData()).containsEntry("value", "password=" + MarkerMasker.MASK));
    assertThat(masker.chunks.get()).isGreaterThan(fed);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void secretIsMaskedByTheDefaultMaskerWhenNoneIsConfigured(Backend backend) {
    crudServer();
    server.createClient(backend.factory()).secrets().inNamespace("shop")
        .resource(new SecretBuilder().withNewMetadata().withName("db").endMetadata()
            .addToData("password", "czNjcjN0").build()).create();
    Guard.Builder noMasker = Guard.builder();
    KubernetesClient bob = guard(backend, q -> Decision.allow("read", "reads"), noMasker).as(BOB);

    String masked = bob.secrets().withName("db").get().getData().get("password");
    assertThat(masked).isNotEqualTo("czNjcjN0");
    assertThat(new String(java.util.Base64.getDecoder().decode(masked), java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("kubeguard-masked:");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void maskingFailureMidStreamFailsTheCallWithoutPassingBytes(Backend backend) {
    crudServer();
    KubernetesClient bob = guard(backend, GuardedClientTest::allowWithTestProfile).as(BOB);
    bob.configMaps().resource(configMap("cfg", "visible")).create();
    masker.failMidStream = true;
    assertThatThrownBy(() -> bob.configMaps().withName("cfg").get()).isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(stackText(e)).doesNotContain("visible"));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void podLogsAreMasked(Backend backend) {
    expectationServer();
    server.expect().get().withPath("/api/v1/namespaces/shop/pods/web/log?pretty=false")
        .andReturn(200, "line one\ntoken " + MarkerMasker.MARKER + " here\nlast " + MarkerMasker.MARKER).always();
    KubernetesClient bob = guard(backend, GuardedClientTest::allowWithTestProfile).as(BOB);

    String log = bob.pods().withName("web").getLog();
    assertThat(log).isEqualTo("line one\ntoken ****** here\nlast ******");
    assertThat(asked).extracting(q -> q.attributes().combinedResource()).contains("pods/log");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void watchEventsGoOverHttpAndThroughTheMasker(Backend backend) throws Exception {
    expectationServer();
    String e1 = SERIALIZATION.asJson(new WatchEvent(configMap("a", "k=" + MarkerMasker.MARKER), "ADDED"));
    String e2 = SERIALIZATION.asJson(new WatchEvent(configMap("b", "plain"), "MODIFIED"));
    server.expect().get().withPath("/api/v1/namespaces/shop/configmaps?allowWatchBookmarks=true&watch=true")
        .andReturn(200, e1 + "\n" + e2 + "\n").once();
    KubernetesClient bob = guard(backend, GuardedClientTest::allowWithTestProfile).as(BOB);
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch two = new CountDownLatch(2);

    try (var w = bob.configMaps().watch(new Watcher<ConfigMap>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        seen.add(action + " " + resource.getData().get("value"));
        two.countDown();
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      assertThat(two.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(seen).containsExactly("ADDED k=" + MarkerMasker.MASK, "MODIFIED plain");
    assertThat(asked).extracting(q -> q.attributes().verb()).contains("watch");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void execHandshakeIsJudgedAsCreateAndADeniedOneIsNeverSent(Backend backend) throws InterruptedException {
    crudServer();
    server.createClient(backend.factory()).pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
        .withName("web").endMetadata().withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().withNewStatus().withPhase("Running").endStatus().build()).create();
    int before = server.getRequestCount();
    KubernetesClient bob = guard(backend, q -> q.attributes().subresource().equals("exec")
        ? Decision.deny("no-exec", "no shells") : allowWithTestProfile(q)).as(BOB);

    // fabric8 wraps failures of the WebSocket handshake; the Guard's 403 is the cause.
    assertThatThrownBy(() -> bob.pods().withName("web").redirectingOutput().exec("sh", "-c", "id"))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(forbiddenCause(e)).as(stackText(e)).isNotNull()
            .satisfies(f -> assertThat(f.getStatus().getMessage()).contains("cannot create resource \"pods/exec\"")));
    assertThat(asked).extracting(q -> q.attributes().verb() + " " + q.attributes().combinedResource())
        .contains("create pods/exec");
    // Only the pod lookup reached the server (how many of its informer's requests did is a race).
    List<String> served = new ArrayList<>();
    for (int i = 0, total = server.getRequestCount(); i < total; i++) {
      var r = server.takeRequest(1, TimeUnit.SECONDS);
      if (r != null && i >= before) {
        served.add(r.getPath());
      }
    }
    assertThat(served).isNotEmpty().noneMatch(path -> path.contains("/exec"));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aWatchOverWebSocketIsRefusedBecauseItCannotBeMasked(Backend backend) {
    crudServer();
    Guard g = Guard.builder().masker(masker).policy(GuardedClientTest::allowWithTestProfile).build();
    // Someone turns HTTP watches back off on the shared configuration.
    guarded = KubeGuardFabric8.builder(g).config(config()).httpClientFactory(backend.factory()).build();
    KubernetesClient bob = guarded.as(BOB);
    bob.getConfiguration().setOnlyHttpWatches(false);
    int before = server.getRequestCount();

    assertThatThrownBy(() -> bob.configMaps().watch(new Watcher<ConfigMap>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {}

      @Override
      public void onClose(WatcherException cause) {}
    })).isInstanceOf(KubernetesClientException.class).hasMessageContaining("cannot be masked");
    assertThat(server.getRequestCount()).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void approvalRequiredReadPassesOnlyOnceApproved(Backend backend) {
    crudServer();
    CompletableFuture<ApprovalOutcome> answer = new CompletableFuture<>();
    List<String> approvalIds = new CopyOnWriteArrayList<>();
    Guard.Builder withApprover = Guard.builder().masker(masker).approver(r -> { approvalIds.add(r.id()); return answer; });
    PolicyEngine policy = q -> q.attributes().verb().equals("get")
        ? Decision.requireApproval("reads", "reads need approval", ApprovalRequirement.of("sre"))
            .withObligations(Obligations.defaults().withMaskingProfile("test")
                .withApproval(ApprovalRequirement.of("sre")))
        : allowWithTestProfile(q);
    KubernetesClient bob = guard(backend, policy, withApprover).as(BOB);
    bob.configMaps().resource(configMap("web", "v1")).create();
    int before = server.getRequestCount();

    assertThatThrownBy(() -> bob.configMaps().withName("web").get())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(approvalIds).as(e.getMessage()).hasSize(1);
          assertThat(e.getMessage()).contains(approvalIds.get(0));
        });
    assertThat(server.getRequestCount()).isEqualTo(before);

    answer.complete(ApprovalOutcome.approved(approvalIds.get(0), List.of(Identity.of("alice", "sre")), "ok"));
    assertThat(bob.configMaps().withName("web").get().getData()).containsEntry("value", "v1");
    assertThat(server.getRequestCount()).isEqualTo(before + 1);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void manyIdentitiesAtOnceNeverSeeEachOthersRequests(Backend backend) throws Exception {
    crudServer();
    GuardedKubernetesClient shared = guard(backend, GuardedClientTest::allowWithTestProfile);
    KubernetesClient admin = shared.as(Identity.of("admin"));
    int users = 16;
    for (int i = 0; i < users; i++) {
      admin.configMaps().resource(configMap("cm-" + i, "v")).create();
    }
    events.clear();
    ExecutorService pool = Executors.newFixedThreadPool(users);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < users; i++) {
        int n = i;
        done.add(pool.submit(() -> {
          KubernetesClient me = shared.as(Identity.of("user-" + n));
          for (int k = 0; k < 50; k++) {
            if (k % 10 == 0) {
              me.configMaps().withName("cm-" + n).informOnCondition(l -> !l.isEmpty()).get(10, TimeUnit.SECONDS);
            } else if (k % 2 == 0) {
              me.adapt(NamespacedKubernetesClient.class).inNamespace("shop").configMaps().withName("cm-" + n).get();
            } else {
              me.configMaps().withName("cm-" + n).get();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(events).filteredOn(e -> e.objectRef() != null && e.objectRef().name().startsWith("cm-"))
        .hasSizeGreaterThanOrEqualTo(users * 45)
        .allSatisfy(e -> assertThat("cm-" + e.user().user().substring("user-".length())).isEqualTo(e.objectRef().name()));
  }

  private static KubernetesClientException forbiddenCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() == 403) {
        return k;
      }
    }
    return null;
  }

  private static String stackText(Throwable t) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    t.printStackTrace(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

}

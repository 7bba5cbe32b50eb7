package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.approval.kubernetes.AnswerRefusedException;
import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KubernetesApprover against the real kube-apiserver: its CRD and the RBAC it ships are
 * installed as shipped, two replicas (each a Guard, a KubernetesApprover and its own client with
 * the replica service account's token) share one namespace of ApprovalRequests, and answers are
 * proven by the server itself (TokenReview, SubjectAccessReview on verb approve).
 */
class SharedApprovalsTest extends AgainstTheRealServer {

  private static final ResourceDefinitionContext APPROVALS = new ResourceDefinitionContext.Builder()
      .withGroup("kubeguard.dev").withVersion("v1alpha1").withPlural("approvalrequests").withKind("ApprovalRequest")
      .withNamespaced(true).build();
  private static final ApprovalRequirement BY_APPROVERS =
      new ApprovalRequirement(List.of("approvers"), 1, Duration.ofMinutes(10), ApprovalMode.REQUEST_THEN_RETRY, Duration.ZERO);

  private final byte[] key = new byte[32];
  private final List<AutoCloseable> closing = new ArrayList<>();
  private String ns;
  private String replicaToken;
  private int requests;

  @BeforeAll
  void install() throws Exception {
    new SecureRandom().nextBytes(key);
    ns = TestNamespace.create(admin, "shared-approvals");
    for (HasMetadata crd : load("approvalrequests.kubeguard.dev.yaml")) {
      admin.resource(crd).serverSideApply();
    }
    await("the CRD is established", () -> {
      CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().withName("approvalrequests.kubeguard.dev").get();
      return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null && crd.getStatus().getConditions().stream()
          .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
    });
    admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("guard-replica")
        .endMetadata().build()).create();
    for (String file : List.of("rbac-replica.yaml", "rbac-approver.yaml")) {
      for (HasMetadata rbac : load(file)) {
        admin.resource(rbac).serverSideApply();
      }
    }
    replicaToken = admin.serviceAccounts().inNamespace(ns).withName("guard-replica")
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
  }

  @AfterAll
  void closeReplicas() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  // The shipped manifests, with their placeholders filled in for this namespace.
  private List<HasMetadata> load(String file) throws IOException {
    try (InputStream in = KubernetesApprover.class.getResourceAsStream("/META-INF/kubeguard/" + file)) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("NAMESPACE", ns).replace("SERVICE_ACCOUNT", "guard-replica").replace("APPROVER_GROUP", "approvers");
      return admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }
  }

  private record Replica(Guard guard, KubernetesApprover approver) {}

  private Replica replica() {
    return replica(KubernetesApprover.builder());
  }

  /** A replica signed in as the shipped Role's service account, its approver configured by {@code b}. */
  private Replica replica(KubernetesApprover.Builder b) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(cp.url().toString())
        .withCaCertFile(cp.servingCert().toString()).withOauthToken(replicaToken).withRequestRetryBackoffLimit(0).build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    KubernetesApprover approver = b.client(client).namespace(ns).answerKey(key).build();
    closing.add(client);
    closing.add(approver);
    Guard guard = Guard.builder().policy(q -> Decision.requireApproval("prod-deletes", "deleting in prod needs a human", BY_APPROVERS))
        .approver(approver).build();
    return new Replica(guard, approver);
  }

  // A request of its own per test, so tests do not share approvals.
  private KubeRequest aDelete() {
    return KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/web-" + (++requests));
  }

  private static GuardedExchange send(Replica r, KubeRequest request) {
    return r.guard().begin(Callers.DEVELOPER, request, CallContext.now());
  }

  // "No longer pending" would also hold before the replica's informer had seen the object at all.
  private static boolean approved(Replica r, String id) {
    return r.approver().find(id).map(p -> p.state() == PendingApproval.State.APPROVED).orElse(false);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never happened: " + what);
  }

  @Test
  void twoGuardsSharingOneClusterSeeAndHonourTheSameApprovalProvenByTheServer() throws Exception {
    Replica a = replica();
    Replica b = replica();
    KubeRequest delete = aDelete();

    GuardedExchange held = send(a, delete);
    String id = held.approvalId();
    assertThat(held.message()).contains("approval " + id + " is pending").contains("group \"approvers\"");
    assertThat(send(b, delete).approvalId()).isEqualTo(id);
    await("both replicas list it", () -> a.approver().pending().contains(id) && b.approver().pending().contains(id));

    assertThatThrownBy(() -> b.approver().answer(id, cp.developer().token(), true, "self-service"))
        .isInstanceOf(AnswerRefusedException.class)
        .hasMessageContaining("developer may not approve: the API server denies verb \"approve\"");
    assertThat(b.approver().answer(id, cp.approver().token(), true, "ok").user()).isEqualTo("approver");
    await("replica A sees the answer", () -> approved(a, id));

    assertThat(send(a, delete).allowed()).isTrue();
    GuardedExchange again = send(b, delete);
    assertThat(again.allowed()).as("used once across replicas").isFalse();
    assertThat(again.message()).contains("already used");
  }

  @Test
  void oneUseIsOneUseWhenManyRetriesOnBothReplicasRaceForIt() throws Exception {
    Replica a = replica();
    Replica b = replica();
    KubeRequest delete = aDelete();
    String id = send(a, delete).approvalId();
    assertThat(send(b, delete).approvalId()).isEqualTo(id);
    a.approver().answer(id, cp.approver().token(), true, "once");
    await("both replicas see the answer", () -> approved(a, id) && approved(b, id));

    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Replica r = i % 2 == 0 ? a : b;
        Callable<Boolean> attempt = () -> {
          start.await();
          return send(r, delete).allowed();
        };
        results.add(pool.submit(attempt));
      }
      start.countDown();
      int passed = 0;
      for (Future<Boolean> r : results) {
        passed += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(passed).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAnswerTypedIntoTheObjectByHandApprovesNothing() throws Exception {
    Replica a = replica();
    KubeRequest delete = aDelete();
    String id = send(a, delete).approvalId();

    GenericKubernetesResource o = admin.genericKubernetesResources(APPROVALS).inNamespace(ns).withName(id).get();
    Map<String, Object> forged = new LinkedHashMap<>();
    forged.put("verdict", "Approved");
    forged.put("user", "approver");
    forged.put("uid", "uid-approver");
    forged.put("groups", List.of("approvers"));
    forged.put("comment", "trust me");
    forged.put("decidedAt", Instant.now().toString());
    forged.put("provenBy", "kubernetes");
    forged.put("seal", "00".repeat(32));
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) o.getAdditionalProperties().get("status");
    status.put("answers", List.of(forged));
    admin.genericKubernetesResources(APPROVALS).inNamespace(ns).resource(o).update();

    // The replica has seen the edit once another replica, started after it, lists the object.
    Replica late = replica();
    await("a fresh replica lists it as still pending", () -> late.approver().pending().contains(id));
    assertThat(send(a, delete).message()).contains("is pending");
    assertThat(a.approver().pending()).contains(id);
  }

  @Test
  void aFinishedApprovalIsDeletedByAReplicaUnderTheShippedRole() throws Exception {
    Replica a = replica();
    KubeRequest delete = aDelete();
    String id = send(a, delete).approvalId();
    await("the replica lists it", () -> a.approver().pending().contains(id));
    a.approver().answer(id, cp.approver().token(), false, "not today");
    String open = send(a, aDelete()).approvalId();

    // A replica whose clock runs two hours ahead: to it the denial finished long ago (and so did
    // the open one, so it is closed as soon as the denial is gone: the other tests need theirs).
    Replica ahead = replica(KubernetesApprover.builder().keepFinishedFor(Duration.ofMinutes(1))
        .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2))));
    try {
      for (int i = 0; i < 600 && admin.genericKubernetesResources(APPROVALS).inNamespace(ns).withName(id).get() != null; i++) {
        Thread.sleep(100); // its sweep runs every 15 seconds
      }
      assertThat(admin.genericKubernetesResources(APPROVALS).inNamespace(ns).withName(id).get())
          .as("deleted with the shipped rbac-replica.yaml").isNull();
    } finally {
      ahead.approver().close();
    }
    await("the first replica's informer drops it", () -> a.approver().find(id).isEmpty());
    GuardedExchange again = send(a, delete);
    assertThat(again.allowed()).as("deleting the object allows nothing").isFalse();
    assertThat(again.message()).contains("denied: not today");
    assertThat(open).isNotEqualTo(id);
  }
}

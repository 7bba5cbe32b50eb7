package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.audit.AuditVerificationResult;
import dev.kubeguard.core.audit.AuditVerifier;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.TestNamespace;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of a guarded program share the real cluster, each with its own Guard, its own
 * KubernetesApprover (the replica service account, the CRD and RBAC as shipped) and its own keyed
 * audit trail. A delete of a Secret is held on replica A; the ApprovalRequest shows the masked
 * request body and the masked diff of the server's own dry-run; an approver answers with a token
 * the server proves; the retry on replica B passes once and really deletes. Both trails verify and
 * together tell the story; their lines about this approval are copied to
 * {@code target/two-replica-trail.jsonl}.
 */
class TwoReplicaApprovalTrailTest extends AgainstTheRealServer {

  private static final ResourceDefinitionContext APPROVALS = new ResourceDefinitionContext.Builder()
      .withGroup("kubeguard.dev").withVersion("v1alpha1").withPlural("approvalrequests").withKind("ApprovalRequest")
      .withNamespaced(true).build();
  private static final ApprovalRequirement BY_APPROVERS =
      new ApprovalRequirement(List.of("approvers"), 1, Duration.ofMinutes(10), ApprovalMode.REQUEST_THEN_RETRY, Duration.ZERO);
  private static final String PLANTED = "two-replica-Planted-db-pa55word";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final byte[] answerKey = new byte[32];
  private final List<AutoCloseable> closing = new ArrayList<>();
  private String approvalsNs;
  private String appNs;
  private String replicaToken;

  @TempDir
  Path dir;

  @BeforeAll
  void install() throws Exception {
    new SecureRandom().nextBytes(answerKey);
    approvalsNs = TestNamespace.create(admin, "trail-approvals");
    appNs = TestNamespace.create(admin, "trail-app");
    for (HasMetadata crd : load("approvalrequests.kubeguard.dev.yaml")) {
      admin.resource(crd).serverSideApply();
    }
    await("the CRD is established", () -> {
      CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().withName("approvalrequests.kubeguard.dev").get();
      return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null && crd.getStatus().getConditions().stream()
          .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
    });
    admin.serviceAccounts().inNamespace(approvalsNs).resource(new ServiceAccountBuilder().withNewMetadata().withName("guard-replica")
        .endMetadata().build()).create();
    for (String file : List.of("rbac-replica.yaml", "rbac-approver.yaml")) {
      for (HasMetadata rbac : load(file)) {
        admin.resource(rbac).serverSideApply();
      }
    }
    // The dry-run is sent with the replica's own account: it needs the rights of the real write.
    admin.rbac().roles().inNamespace(appNs).resource(new RoleBuilder().withNewMetadata().withName("replica-previews").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withVerbs("get", "delete", "patch").build()).build()).create();
    admin.rbac().roleBindings().inNamespace(appNs).resource(new RoleBindingBuilder().withNewMetadata().withName("replica-previews")
        .endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("replica-previews").endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName("guard-replica").withNamespace(approvalsNs).endSubject().build()).create();
    replicaToken = admin.serviceAccounts().inNamespace(approvalsNs).withName("guard-replica")
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
  }

  @AfterAll
  void closeReplicas() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private List<HasMetadata> load(String file) throws IOException {
    try (InputStream in = KubernetesApprover.class.getResourceAsStream("/META-INF/kubeguard/" + file)) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("NAMESPACE", approvalsNs).replace("SERVICE_ACCOUNT", "guard-replica").replace("APPROVER_GROUP", "approvers");
      return admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }
  }

  /** One replica: its own client, approver, keyed trail, Guard and guarded client. */
  private record Replica(String name, KubernetesApprover approver, JsonlAuditRecorder recorder, Path trail, ChainKey key,
      KubernetesClient developer) {}

  private Replica replica(String name) throws Exception {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(cp.url().toString())
        .withCaCertFile(cp.servingCert().toString()).withOauthToken(replicaToken).withRequestRetryBackoffLimit(0).build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    closing.add(client);
    // One masker for the Guard and its approver: equal secrets show as equal tokens in both.
    Masker masker = DefaultMasker.builder().randomKey().build();
    KubernetesApprover approver = KubernetesApprover.builder().client(client).namespace(approvalsNs).answerKey(answerKey)
        .masker(masker).answerUrl("https://ops.example/kubeguard/approvals/{id}").build();
    closing.add(approver);
    ChainKey key = ChainKey.generate();
    Path trail = dir.resolve("replica-" + name + ".jsonl");
    JsonlAuditRecorder recorder = JsonlAuditRecorder.builder().path(trail).chainKey(key).durability(Durability.perEvent()).build();
    Guard guard = Guard.builder().masker(masker).recorder(recorder).approver(approver)
        .policy(q -> q.attributes().verb().equals("delete")
            || q.attributes().verb().equals("patch")
            ? Decision.requireApproval("secret-deletes", "deleting a Secret needs an approver", BY_APPROVERS)
            : Decision.allow())
        .build();
    GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, guard, Fabric8Backend.JDK);
    closing.add(guarded);
    return new Replica(name, approver, recorder, trail, key, guarded.as(Callers.DEVELOPER));
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

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private void delete(Replica r) {
    r.developer().secrets().inNamespace(appNs).withName("db").delete();
  }

  @Test
  void aDeleteHeldOnOneReplicaIsShownMaskedAnsweredProvenAndPassesOnceOnTheOtherWithBothTrailsVerifying() throws Exception {
    admin.secrets().inNamespace(appNs).resource(new SecretBuilder().withNewMetadata().withName("db").endMetadata()
        .addToStringData("password", PLANTED).addToStringData("user", "app").build()).create();
    Replica a = replica("A");
    Replica b = replica("B");

    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class, () -> delete(a));
    assertThat(refused.getCode()).isEqualTo(403);
    Matcher m = Pattern.compile("approval (apr-[a-z0-9-]+) is pending").matcher(refused.getMessage());
    assertThat(m.find()).as("the 403 names the approval: %s", refused.getMessage()).isTrue();
    String id = m.group(1);

    GenericKubernetesResource[] held = new GenericKubernetesResource[1];
    await("the ApprovalRequest is created", () -> (held[0] = admin.genericKubernetesResources(APPROVALS)
        .inNamespace(approvalsNs).withName(id).get()) != null);
    Map<?, ?> spec = (Map<?, ?>) held[0].getAdditionalProperties().get("spec");
    Map<?, ?> view = (Map<?, ?>) spec.get("view");
    String diff = (String) view.get("diff");
    assertThat(view.get("diffNote")).as("the server's dry-run answered").isEqualTo("");
    assertThat(diff).startsWith("--- live secrets/db\n+++ after delete (none)\n").contains("-    \"password\" : \"");
    assertThat(diff.lines().filter(l -> l.startsWith("+")).toList()).containsExactly("+++ after delete (none)");
    assertThat((String) view.get("maskedBody")).contains("DeleteOptions");
    assertThat(spec.get("answerUrl")).isEqualTo("https://ops.example/kubeguard/approvals/" + id);
    String object = JSON.writeValueAsString(held[0]);
    assertThat(object).doesNotContain(PLANTED).doesNotContain(b64(PLANTED));
    assertThat(admin.secrets().inNamespace(appNs).withName("db").get()).as("the dry run deleted nothing").isNotNull();

    await("replica B lists it", () -> b.approver().pending().contains(id));
    assertThatThrownBy(() -> delete(b)).hasMessageContaining("approval " + id + " is pending");
    assertThat(b.approver().answer(id, cp.approver().token(), true, "reviewed the diff").user()).isEqualTo("approver");
    await("replica B sees the answer", () -> !b.approver().pending().contains(id));

    delete(b);
    assertThat(admin.secrets().inNamespace(appNs).withName("db").get()).as("the approved delete happened").isNull();
    assertThatThrownBy(() -> delete(a)).as("one use across replicas").hasMessageContaining("already used");

    a.recorder().close();
    b.recorder().close();
    for (Replica r : List.of(a, b)) {
      AuditVerificationResult verified = AuditVerifier.verifyChain(r.trail(), AuditVerifier.Options.keyed(r.key()));
      assertThat(verified.ok()).as("replica %s's trail verifies: %s", r.name(), verified.summary()).isTrue();
    }
    List<String> lines = new ArrayList<>();
    List<JsonNode> events = new ArrayList<>();
    for (Replica r : List.of(a, b)) {
      for (String line : Files.readAllLines(r.trail(), StandardCharsets.UTF_8)) {
        if (line.contains(id)) {
          lines.add("{\"replica\":\"" + r.name() + "\",\"event\":" + line + "}");
          events.add(((ObjectNode) JSON.readTree(line)).put("replica", r.name()));
        }
      }
    }
    // For quoting: both trails' lines about this approval, in the order things happened, each
    // line verbatim inside {"replica":..,"event":<line>}.
    List<String> chronological = new ArrayList<>(lines);
    chronological.sort(Comparator.comparing(l -> {
      try {
        return JSON.readTree(l).path("event").path("stageTimestamp").asText();
      } catch (IOException e) {
        return "";
      }
    }));
    Path out = Path.of("target", "two-replica-trail.jsonl");
    Files.createDirectories(out.getParent());
    Files.write(out, chronological, StandardCharsets.UTF_8);

    // The request and its hold on A, the still-pending retry on B, B's pass (received with the
    // approver's name, completed with the server's 200), A's retry told the one use is gone.
    assertThat(events).extracting(e -> e.path("replica").asText() + " " + e.path("stage").asText() + " " + decision(e) + " "
            + e.path("responseStatus").path("code").asInt())
        .containsExactly("A ResponseComplete require-approval 403", "A ResponseComplete require-approval 403",
            "B ResponseComplete require-approval 403", "B RequestReceived allow 0", "B ResponseComplete allow 200");
    assertThat(events.get(1).path("annotations").path("kubeguard.dev/reason").asText()).contains("already used");
    JsonNode pass = events.get(3);
    assertThat(pass.path("verb").asText()).isEqualTo("delete");
    assertThat(pass.path("annotations").path("kubeguard.dev/approvers").asText()).as("who answered, as the server proved").isEqualTo("approver");
    assertThat(events.get(4).path("auditID").asText()).isEqualTo(pass.path("auditID").asText());
    assertThat(String.join("\n", lines)).doesNotContain(PLANTED).doesNotContain(b64(PLANTED));
  }

  private GenericKubernetesResource heldObject(KubernetesClientException refused) throws InterruptedException {
    Matcher m = Pattern.compile("approval (apr-[a-z0-9-]+) is pending").matcher(refused.getMessage());
    assertThat(m.find()).as("the 403 names the approval: %s", refused.getMessage()).isTrue();
    GenericKubernetesResource[] held = new GenericKubernetesResource[1];
    await("the ApprovalRequest is created", () -> (held[0] = admin.genericKubernetesResources(APPROVALS)
        .inNamespace(approvalsNs).withName(m.group(1)).get()) != null);
    return held[0];
  }

  private static Map<?, ?> view(GenericKubernetesResource o) {
    return (Map<?, ?>) ((Map<?, ?>) o.getAdditionalProperties().get("spec")).get("view");
  }

  @Test
  void aHeldPatchShowsTheServersOwnDryRunAsAMaskedDiffAndWritesNothing() throws Exception {
    admin.secrets().inNamespace(appNs).resource(new SecretBuilder().withNewMetadata().withName("api").endMetadata()
        .addToStringData("token", "old-api-token-value").addToStringData("user", "svc").build()).create();
    Replica a = replica("patch");
    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class, () -> a.developer().secrets()
        .inNamespace(appNs).withName("api").edit(s -> new SecretBuilder(s).addToStringData("token", PLANTED).build()));
    GenericKubernetesResource held = heldObject(refused);

    String diff = (String) view(held).get("diff");
    assertThat(view(held).get("diffNote")).isEqualTo("");
    List<String> changed = diff.lines().filter(l -> l.matches("^[-+] .*")).toList();
    assertThat(changed).as("the token's masked value changes, nothing else: %s", diff).hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("\"token\""));
    assertThat(JSON.writeValueAsString(held)).doesNotContain(PLANTED).doesNotContain(b64(PLANTED))
        .doesNotContain("old-api-token-value").doesNotContain(b64("old-api-token-value"));
    assertThat(admin.secrets().inNamespace(appNs).withName("api").get().getData().get("token"))
        .as("the dry run wrote nothing").isEqualTo(b64("old-api-token-value"));
  }

  @Test
  void aDryRunTheReplicaMayNotSendLeavesTheServersRefusalAsTheNoteAndStillAsks() throws Exception {
    admin.configMaps().inNamespace(appNs).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("flags").endMetadata().addToData("mode", "safe").build()).create();
    Replica a = replica("refused");
    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class, () -> a.developer().configMaps()
        .inNamespace(appNs).withName("flags").edit(c -> new ConfigMapBuilder(c).addToData("mode", "fast").build()));
    assertThat(refused.getCode()).isEqualTo(403);
    GenericKubernetesResource held = heldObject(refused);
    assertThat(view(held).get("diff")).isEqualTo("");
    assertThat((String) view(held).get("diffNote")).startsWith("dry-run refused: 403 Forbidden: ")
        .contains("system:serviceaccount:" + approvalsNs + ":guard-replica");
    assertThat((String) view(held).get("maskedBody")).contains("fast");
  }

  private static String decision(JsonNode e) {
    return e.path("annotations").path("kubeguard.dev/decision").asText();
  }
}

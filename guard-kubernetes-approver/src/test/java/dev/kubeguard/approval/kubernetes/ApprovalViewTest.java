package dev.kubeguard.approval.kubernetes;

import static dev.kubeguard.approval.kubernetes.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import dev.kubeguard.core.approval.WebhookNotifier;
import dev.kubeguard.core.mask.DefaultMasker;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an approver finds in the ApprovalRequest object: the masked body, the masked diff of the
 * live object against the server's dry-run answer, and a note when there is no diff. The mock
 * cluster answers the dry-run requests from expectations (in CRUD mode it would ignore
 * {@code dryRun} and perform the write).
 */
class ApprovalViewTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Identity DANA = new Identity("dana", "uid-dana", List.of("developers"), Map.of(), "");
  private static final byte[] KEY = "a shared answer key of at least 32 bytes!".getBytes(StandardCharsets.UTF_8);
  private static final String PLANTED = "planted-hunter2-Secret-value";
  private static final String PATH = "/api/v1/namespaces/shop/secrets/db";
  /** The start of a masked token as a Secret's data holds it: base64 of "kubeguard-maske". */
  private static final String MASKED = "a3ViZWd1YXJkLW1hc2tl";
  private static final ApprovalRequirement BY_SRE =
      new ApprovalRequirement(List.of("sre"), 1, Duration.ofMinutes(10), ApprovalMode.REQUEST_THEN_RETRY, Duration.ZERO);

  private final MockCluster cluster = new MockCluster();
  private final Masker masker = DefaultMasker.builder().randomKey().build();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    cluster.settle(closing.stream().filter(KubernetesApprover.class::isInstance).map(KubernetesApprover.class::cast).toList());
    for (AutoCloseable c : closing) {
      c.close();
    }
    cluster.close();
  }

  private KubernetesApprover.Builder approver() {
    return KubernetesApprover.builder().client(cluster.client()).namespace("ops").answerKey(KEY);
  }

  private Guard guard(KubernetesApprover approver) {
    closing.add(approver);
    return Guard.builder().masker(masker)
        .policy(q -> Decision.requireApproval("secret-writes", "Secret writes need a human", BY_SRE))
        .approver(approver).build();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static KubeRequest patch(String body) {
    return KubeRequest.of("PATCH", PATH, Map.of("Content-Type", List.of("application/merge-patch+json")),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private void liveSecret() {
    cluster.client().secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("db")
        .withNamespace("shop").endMetadata().addToData("password", b64("old-password-value")).addToData("user", b64("app"))
        .build()).create();
  }

  // What the server answers a dry-run patch: the live object with the new value and a new resourceVersion.
  private String dryRunResult(String password) {
    Secret live = cluster.client().secrets().inNamespace("shop").withName("db").get();
    live.getData().put("password", b64(password));
    live.getMetadata().setResourceVersion("99");
    return Serialization.asJson(live);
  }

  private GenericKubernetesResource awaitStored(String id) throws InterruptedException {
    GenericKubernetesResource[] found = new GenericKubernetesResource[1];
    await("ApprovalRequest " + id + " is created", () -> {
      found[0] = cluster.client().genericKubernetesResources(ApprovalObject.CONTEXT).inNamespace("ops").withName(id).get();
      return found[0] != null;
    });
    return found[0];
  }

  private static Map<?, ?> view(GenericKubernetesResource o) {
    return (Map<?, ?>) ApprovalObject.spec(o).get("view");
  }

  private static void assertNoPlanted(GenericKubernetesResource o) throws Exception {
    String stored = JSON.writeValueAsString(o);
    assertThat(stored).doesNotContain(PLANTED).doesNotContain(b64(PLANTED))
        .doesNotContain(b64(PLANTED).replace("=", ""));
  }

  @Test
  void aHeldPatchShowsItsMaskedBodyAndAMaskedDiffOfTheLiveObjectAgainstTheDryRun() throws Exception {
    liveSecret();
    cluster.server.expect().patch().withPath(PATH + "?dryRun=All").andReturn(200, dryRunResult(PLANTED)).always();
    Guard guard = guard(approver().masker(masker).answerUrl("https://ops.example/approvals/{id}").build());

    GuardedExchange held = guard.begin(DANA, patch("{\"data\":{\"password\":\"" + b64(PLANTED) + "\"}}"), CallContext.now());
    assertThat(held.message()).contains("is pending").contains("https://ops.example/approvals/" + held.approvalId());
    GenericKubernetesResource o = awaitStored(held.approvalId());

    Map<?, ?> view = view(o);
    assertThat((String) view.get("maskedBody")).contains("\"password\"").contains(MASKED);
    String diff = (String) view.get("diff");
    assertThat(diff).startsWith("--- live secrets/db\n+++ dry-run result\n");
    List<String> changed = diff.lines().filter(l -> l.startsWith("-  ") || l.startsWith("+  ")).toList();
    assertThat(changed).as("only the password line changes, from one token to another").hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("\"password\""));
    assertThat(changed.get(0)).isNotEqualTo(changed.get(1).replaceFirst("\\+", "-"));
    assertThat(diff).doesNotContain("resourceVersion").doesNotContain("old-password-value").doesNotContain(b64("old-password-value"));
    assertThat(view.get("diffNote")).isEqualTo("");
    assertThat(ApprovalObject.spec(o).get("answerUrl")).isEqualTo("https://ops.example/approvals/" + held.approvalId());
    assertNoPlanted(o);
  }

  @Test
  void aRefusedDryRunStillAsksForApprovalAndSaysWhyThereIsNoDiff() throws Exception {
    liveSecret();
    cluster.server.expect().patch().withPath(PATH + "?dryRun=All").andReturn(403,
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,"
            + "\"message\":\"secrets \\\"db\\\" is forbidden: User \\\"system:serviceaccount:ops:guard\\\" cannot patch\"}").always();
    Guard guard = guard(approver().masker(masker).build());

    GuardedExchange held = guard.begin(DANA, patch("{\"data\":{\"password\":\"" + b64(PLANTED) + "\"}}"), CallContext.now());
    assertThat(held.allowed()).isFalse();
    assertThat(held.message()).contains("is pending");
    GenericKubernetesResource o = awaitStored(held.approvalId());
    assertThat(view(o).get("diff")).isEqualTo("");
    assertThat((String) view(o).get("diffNote")).startsWith("dry-run refused: 403 Forbidden: secrets \"db\" is forbidden");
    assertThat((String) view(o).get("maskedBody")).contains(MASKED);
    assertNoPlanted(o);
  }

  @Test
  void aRefusalThatMayQuoteTheRequestIsNotQuoted() throws Exception {
    liveSecret();
    cluster.server.expect().patch().withPath(PATH + "?dryRun=All").andReturn(422,
        "{\"kind\":\"Status\",\"reason\":\"Invalid\",\"code\":422,\"message\":\"Secret \\\"db\\\" is invalid: data[password]: " + PLANTED + "\"}")
        .always();
    Guard guard = guard(approver().masker(masker).build());

    String id = guard.begin(DANA, patch("{\"data\":{\"password\":\"" + b64(PLANTED) + "\"}}"), CallContext.now()).approvalId();
    GenericKubernetesResource o = awaitStored(id);
    assertThat((String) view(o).get("diffNote"))
        .isEqualTo("dry-run refused: 422 Invalid (the server's message is not shown: it may quote the request's values)");
    assertNoPlanted(o);
  }

  @Test
  void aDryRunThatDoesNotAnswerInTimeLeavesANoteAndTheRequestIsStillHeld() throws Exception {
    liveSecret();
    // Answered, but only after the preview gave up waiting (the mock delays without blocking).
    cluster.server.expect().patch().delay(3, TimeUnit.SECONDS).withPath(PATH + "?dryRun=All").andReturn(200, dryRunResult(PLANTED)).always();
    Guard guard = guard(approver().masker(masker).dryRunTimeout(Duration.ofMillis(200)).build());

    String id = guard.begin(DANA, patch("{\"data\":{\"password\":\"x\"}}"), CallContext.now()).approvalId();
    GenericKubernetesResource o = awaitStored(id);
    assertThat(view(o).get("diffNote")).isEqualTo("dry-run timed out after 200 ms; no diff");
    assertThat(view(o).get("diff")).isEqualTo("");
  }

  @Test
  void withoutAMaskerNothingOfTheBodyIsWrittenAndNoDryRunIsSent() throws Exception {
    Guard guard = guard(approver().build());
    byte[] create = ("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"stringData\":{\"password\":\""
        + PLANTED + "\"}}").getBytes(StandardCharsets.UTF_8);
    String id = guard.begin(DANA, KubeRequest.of("POST", "/api/v1/namespaces/shop/secrets",
        Map.of("Content-Type", List.of("application/json")), create), CallContext.now()).approvalId();

    GenericKubernetesResource o = awaitStored(id);
    assertThat(view(o).get("maskedBody")).isEqualTo("");
    assertThat(view(o).get("diff")).isEqualTo("");
    assertThat((String) view(o).get("diffNote")).startsWith("request bodies are not shown: no masker is configured");
    assertThat(cluster.client().secrets().inNamespace("shop").withName("db").get()).as("no write reached the cluster").isNull();
    assertNoPlanted(o);
  }

  @Test
  void aHeldDeleteDiffsTheLiveObjectAgainstNothingAndAReadIsNotPreviewed() throws Exception {
    liveSecret();
    // kube-apiserver takes a delete's options from its body when there is one, ignoring the query:
    // the dry run must say so in the body, or it is a real delete. This mock refuses it otherwise.
    cluster.server.expect().delete().withPath(PATH + "?dryRun=All").andReply(200, r -> {
      try {
        JsonNode options = JSON.readTree(r.getUtf8Body());
        boolean dry = options.path("dryRun").toString().equals("[\"All\"]");
        boolean kept = options.path("propagationPolicy").asText().equals("Foreground");
        return dry && kept ? "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}" : "not a dry run: deleted";
      } catch (Exception e) {
        return "unreadable delete options";
      }
    }).always();
    Guard guard = guard(approver().masker(masker).build());

    KubeRequest delete = KubeRequest.of("DELETE", PATH, Map.of("Content-Type", List.of("application/json")),
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Foreground\"}".getBytes(StandardCharsets.UTF_8));
    String id = guard.begin(DANA, delete, CallContext.now()).approvalId();
    GenericKubernetesResource o = awaitStored(id);
    String diff = (String) view(o).get("diff");
    assertThat(diff).startsWith("--- live secrets/db\n+++ after delete (none)\n");
    assertThat(diff.lines().filter(l -> l.startsWith("+")).toList()).containsExactly("+++ after delete (none)");
    assertThat(diff).contains("-    \"password\" : \"").doesNotContain(b64("old-password-value"));
    assertThat(cluster.client().secrets().inNamespace("shop").withName("db").get()).as("the dry run deleted nothing").isNotNull();

    String read = guard.begin(DANA, KubeRequest.of("GET", PATH), CallContext.now()).approvalId();
    assertThat(view(awaitStored(read)).get("diffNote")).isEqualTo("not a mutating request (get): nothing to preview");
  }

  @Test
  void theReplicaThatHoldsARequestNotifiesOnceWithTheMaskedView() throws Exception {
    liveSecret();
    cluster.server.expect().patch().withPath(PATH + "?dryRun=All").andReturn(200, dryRunResult(PLANTED)).always();
    try (MockWebServer hook = new MockWebServer()) {
      hook.start();
      hook.enqueue(new MockResponse.Builder().code(200).build());
      BlockingQueue<WebhookNotifier.Outcome> outcomes = new LinkedBlockingQueue<>();
      WebhookNotifier notifier = WebhookNotifier.builder().url(hook.url("/hook").uri()).onOutcome(outcomes::add).build();
      closing.add(notifier);
      Guard guard = guard(approver().masker(masker).notifier(notifier).answerUrl("https://ops.example/approvals/{id}").build());

      String id = guard.begin(DANA, patch("{\"data\":{\"password\":\"" + b64(PLANTED) + "\"}}"), CallContext.now()).approvalId();
      WebhookNotifier.Outcome o = outcomes.poll(30, TimeUnit.SECONDS);
      assertThat(o).isNotNull();
      assertThat(o.delivered()).isTrue();
      String payload = hook.takeRequest().getBody().utf8();
      JsonNode json = JSON.readTree(payload);
      assertThat(json.path("id").asText()).isEqualTo(id);
      assertThat(json.path("requester").asText()).isEqualTo("dana");
      assertThat(json.path("verb").asText()).isEqualTo("patch");
      assertThat(json.path("answerUrl").asText()).isEqualTo("https://ops.example/approvals/" + id);
      assertThat(json.path("diff").asText()).contains("\"password\"").contains(MASKED);
      assertThat(payload).doesNotContain(PLANTED).doesNotContain(b64(PLANTED));
      // The identical retry on the same replica adopts the held request: no second notice.
      guard.begin(DANA, patch("{\"data\":{\"password\":\"" + b64(PLANTED) + "\"}}"), CallContext.now());
      assertThat(hook.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void noSecretValueInAWriteBodyReachesTheViewWhateverItsKeyAndValue() throws Exception {
    Guard judge = Guard.builder().policy(q -> Decision.allow()).build();
    RequestPreview preview = new RequestPreview(null, masker, false, Duration.ofSeconds(1));
    qt().withExamples(100).forAll(strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 12),
        strings().betweenCodePoints('!', '~').ofLengthBetween(8, 40), integers().between(0, 2)).checkAssert((key, value, shape) -> {
          String field = JSON.valueToTree(key).toString();
          String v = JSON.valueToTree(value).toString();
          String body = switch (shape) {
            case 0 -> "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},\"stringData\":{" + field + ":" + v + "}}";
            case 1 -> "{\"data\":{" + field + ":" + JSON.valueToTree(b64(value)) + "}}";
            default -> "[{\"op\":\"add\",\"path\":\"/data/" + key + "\",\"value\":" + JSON.valueToTree(b64(value)) + "}]";
          };
          String type = shape == 2 ? "application/json-patch+json" : shape == 1 ? "application/merge-patch+json" : "application/json";
          KubeRequest http = KubeRequest.of(shape == 0 ? "POST" : "PATCH",
              shape == 0 ? "/api/v1/namespaces/shop/secrets" : "/api/v1/namespaces/shop/secrets/s",
              Map.of("Content-Type", List.of(type)), body.getBytes(StandardCharsets.UTF_8));
          try {
            var ev = judge.evaluate(DANA, http, CallContext.now());
            ApprovalRequest r = new ApprovalRequest("apr-x", "0".repeat(64), ev.primary(),
                Decision.requireApproval("r", "held", BY_SRE), Instant.now(), Instant.now().plusSeconds(60));
            ApprovalView view = preview.view(r);
            assertThat(view.maskedBody()).isNotEmpty().doesNotContain(value).doesNotContain(b64(value));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  @Test
  void aLongFieldIsCutToItsBoundWithANoteAndNeverSplitsACharacter() {
    // Mostly 3-byte characters around 4-byte ones, so most examples exceed the bound and cuts land
    // inside multi-byte characters; no shrinking of 30k-character strings.
    qt().withExamples(30).withShrinkCycles(0)
        .forAll(strings().betweenCodePoints(0x20, 0xD7FF).ofLengthBetween(15_000, 30_000), integers().between(0, 5))
        .checkAssert((text, emoji) -> {
          String s = text + "\uD83D\uDE00".repeat(emoji) + text;
          String cut = ApprovalView.cut(s, "the diff");
          int bytes = cut.getBytes(StandardCharsets.UTF_8).length;
          // Booleans, not the strings: a failure must not print 60k characters.
          assertThat(bytes <= ApprovalView.MAX_BYTES).as("%d bytes kept", bytes).isTrue();
          if (s.getBytes(StandardCharsets.UTF_8).length <= ApprovalView.MAX_BYTES) {
            assertThat(cut.equals(s)).as("a field within the bound is kept whole").isTrue();
          } else {
            int note = cut.indexOf("\n… [kubeguard: the diff was ");
            assertThat(note).as("the note is there").isPositive();
            assertThat(cut.endsWith("only its start is shown]")).as("the note ends the field").isTrue();
            assertThat(s.startsWith(cut.substring(0, note))).as("what is kept is the start, no character split").isTrue();
          }
        });
  }
}

package dev.kubeguard.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalNotice;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.Guard;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLANTED = "planted-Secret-value-7f3a91";
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  private final MockWebServer server = new MockWebServer();
  private final BlockingQueue<WebhookNotifier.Outcome> outcomes = new LinkedBlockingQueue<>();
  private WebhookNotifier notifier;

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (notifier != null) {
      notifier.close();
    }
    server.close();
  }

  private WebhookNotifier notifier(WebhookNotifier.Format format, int attempts) {
    notifier = WebhookNotifier.builder().url(server.url("/hook").uri()).format(format).maxAttempts(attempts)
        .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50)).timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer webhook-credential").onOutcome(outcomes::add).build();
    return notifier;
  }

  private WebhookNotifier.Outcome outcome() throws InterruptedException {
    WebhookNotifier.Outcome o = outcomes.poll(30, TimeUnit.SECONDS);
    assertThat(o).as("a delivery outcome").isNotNull();
    return o;
  }

  private static MockResponse answer(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  private static JsonNode body(RecordedRequest r) throws Exception {
    return JSON.readTree(r.getBody().utf8());
  }

  private static ApprovalNotice notice(String diff) {
    return new ApprovalNotice("apr-0123456789abcdef-1", "oidc:dana", List.of("developers"), "patch", "", "secrets", "",
        "shop", "db", "secrets need a second pair of eyes", List.of("sre", "approvers"), 1, AT, AT.plusSeconds(600),
        "https://ops.example/approvals/apr-0123456789abcdef-1", "answer on the approvals page", "{\"data\":{}}", diff, "");
  }

  @Test
  void postsEachHeldRequestAsJsonWithItsFieldsAndNoneOfItsBody() throws Exception {
    server.enqueue(answer(200));
    ManualApprover approver = new ManualApprover().answeredAt("https://ops.example/approvals/{id}").notifier(notifier(WebhookNotifier.Format.JSON, 3));
    ApprovalRequirement req = new ApprovalRequirement(List.of("sre"), 1, Duration.ofMinutes(10), ApprovalMode.REQUEST_THEN_RETRY, null);
    Guard guard = Guard.builder().policy(q -> Decision.requireApproval("secret-writes", "Secret writes need a human", req))
        .approver(approver).build();
    byte[] secret = ("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"stringData\":{\"password\":\""
        + PLANTED + "\"}}").getBytes(StandardCharsets.UTF_8);
    String id = guard.begin(Identity.of("bob", "developers"),
        KubeRequest.of("POST", "/api/v1/namespaces/shop/secrets", Map.of("Content-Type", List.of("application/json")), secret),
        CallContext.now()).approvalId();

    assertThat(outcome()).isEqualTo(new WebhookNotifier.Outcome(id, true, 1, 200, ""));
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getMethod()).isEqualTo("POST");
    assertThat(sent.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer webhook-credential");
    JsonNode json = body(sent);
    assertThat(json.path("id").asText()).isEqualTo(id);
    assertThat(json.path("requester").asText()).isEqualTo("bob");
    assertThat(json.path("verb").asText()).isEqualTo("create");
    assertThat(json.path("resource").asText()).isEqualTo("secrets");
    assertThat(json.path("namespace").asText()).isEqualTo("shop");
    assertThat(json.path("reason").asText()).isEqualTo("Secret writes need a human");
    assertThat(json.path("approverGroups").toString()).isEqualTo("[\"sre\"]");
    assertThat(Instant.parse(json.path("expiresAt").asText())).isAfter(Instant.now());
    assertThat(json.path("answerUrl").asText()).isEqualTo("https://ops.example/approvals/" + id);
    assertThat(json.has("diff")).isTrue();
    String raw = sent.getBody().utf8();
    assertThat(raw).doesNotContain(PLANTED)
        .doesNotContain(Base64.getEncoder().encodeToString(PLANTED.getBytes(StandardCharsets.UTF_8)))
        .doesNotContain("webhook-credential");
  }

  @Test
  void postsASlackMessageWithWhoAsksWhatTheNamespaceTheDiffAndWhereToAnswer() throws Exception {
    server.enqueue(answer(200));
    notifier(WebhookNotifier.Format.SLACK, 1).notify(notice("--- live\n+++ dry-run\n@@ -1 +1 @@\n-a: <1>\n+a: 2\n"));
    assertThat(outcome().delivered()).isTrue();

    JsonNode slack = body(server.takeRequest());
    assertThat(slack.path("text").asText()).contains("oidc:dana asks to patch secrets db in namespace shop");
    JsonNode blocks = slack.path("blocks");
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo("Approval needed: apr-0123456789abcdef-1");
    String fields = blocks.get(1).path("fields").toString();
    assertThat(fields).contains("*Who asks*\\noidc:dana").contains("*What*\\npatch secrets db").contains("*Namespace*\\nshop")
        .contains("group sre or approvers");
    String change = blocks.get(3).path("text").path("text").asText();
    assertThat(change).contains("```--- live\n+++ dry-run\n@@ -1 +1 @@\n-a: &lt;1&gt;\n+a: 2\n```");
    assertThat(blocks.get(4).path("text").path("text").asText())
        .contains("<https://ops.example/approvals/apr-0123456789abcdef-1|Answer apr-0123456789abcdef-1>");
    for (JsonNode b : blocks) {
      assertThat(b.path("type").asText()).isIn("header", "section");
    }
  }

  @Test
  void retriesA500AndA429ThenDelivers() throws Exception {
    server.enqueue(answer(500));
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "0").build());
    server.enqueue(answer(204));
    notifier(WebhookNotifier.Format.JSON, 5).notify(notice(""));

    assertThat(outcome()).isEqualTo(new WebhookNotifier.Outcome("apr-0123456789abcdef-1", true, 3, 204, ""));
    assertThat(server.getRequestCount()).isEqualTo(3);
    String first = server.takeRequest().getBody().utf8();
    assertThat(server.takeRequest().getBody().utf8()).as("each retry sends the same body").isEqualTo(first);
  }

  @Test
  void givesUpAfterMaxAttemptsOfServerErrors() throws Exception {
    for (int i = 0; i < 5; i++) {
      server.enqueue(answer(503));
    }
    notifier(WebhookNotifier.Format.JSON, 3).notify(notice(""));

    WebhookNotifier.Outcome o = outcome();
    assertThat(o.delivered()).isFalse();
    assertThat(o.attempts()).isEqualTo(3);
    assertThat(o.lastStatus()).isEqualTo(503);
    assertThat(o.detail()).contains("gave up after 3 attempts");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void doesNotRetryAClientError() throws Exception {
    server.enqueue(answer(404));
    server.enqueue(answer(200));
    notifier(WebhookNotifier.Format.JSON, 5).notify(notice(""));

    assertThat(outcome()).isEqualTo(new WebhookNotifier.Outcome("apr-0123456789abcdef-1", false, 1, 404,
        "the webhook answered 404; not retried"));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void retriesWhenTheWebhookCannotBeReachedThenGivesUp() throws Exception {
    URI dead = server.url("/hook").uri();
    server.close();
    notifier = WebhookNotifier.builder().url(dead).maxAttempts(2).initialBackoff(Duration.ofMillis(10))
        .timeout(Duration.ofSeconds(2)).onOutcome(outcomes::add).build();
    notifier.notify(notice(""));

    WebhookNotifier.Outcome o = outcome();
    assertThat(o.delivered()).isFalse();
    assertThat(o.attempts()).isEqualTo(2);
    assertThat(o.detail()).contains("could not reach the webhook").contains("gave up after 2 attempts");
  }

  @Test
  void refusesAConfigurationItCannotUseSayingWhatToFix() {
    assertThatThrownBy(() -> WebhookNotifier.builder().build()).hasMessageContaining("no url: call url(URI)");
    assertThatThrownBy(() -> WebhookNotifier.builder().url(URI.create("https://user:pw@hooks.example/x")).maxAttempts(0).build())
        .hasMessageContaining("must not carry credentials").hasMessageContaining("maxAttempts must be at least 1");
    assertThatThrownBy(() -> WebhookNotifier.builder().url(URI.create("file:///tmp/x")).build())
        .hasMessageContaining("absolute http(s) URL");
  }

  @Test
  void aSlackMessageStaysWithinSlackLimitsAndEscapedWhateverTheDiffHolds() {
    qt().withExamples(200).forAll(strings().allPossible().ofLengthBetween(0, 9000)).checkAssert(diff -> {
      try {
        JsonNode slack = JSON.readTree(WebhookPayloads.slack(notice(diff)));
        for (JsonNode b : slack.path("blocks")) {
          assertThat(b.path("text").path("text").asText().length()).isLessThanOrEqualTo(WebhookPayloads.SLACK_SECTION_LIMIT);
        }
        String change = slack.path("blocks").get(3).path("text").path("text").asText();
        String inside = change.substring(change.indexOf("```") + 3, change.length() - 3);
        assertThat(inside).doesNotContain("```").doesNotContain("<").doesNotContain(">");
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    });
  }
}

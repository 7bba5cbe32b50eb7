package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.spi.Approver;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.api.spi.PolicyException;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.approval.ManualApprover;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GuardTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final Identity ALICE = Identity.of("alice", "sre-leads", Identity.AUTHENTICATED);
  private static final KubeRequest GET_SECRET = KubeRequest.of("GET", "/api/v1/namespaces/shop/secrets/db-creds");
  private static final KubeRequest DELETE_POD = KubeRequest.of("DELETE", "/api/v1/namespaces/prod/pods/web-1");

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private Guard.Builder guard(PolicyEngine policy) {
    return Guard.builder().policy(policy).recorder(events::add);
  }

  @Test
  void buildRefusesAGuardWithoutPolicyAndSaysWhatToDo() {
    assertThatThrownBy(() -> Guard.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no policy engine")
        .hasMessageContaining("policy(");
    assertThatThrownBy(() -> Guard.builder().policy(q -> Decision.allow()).approvalTimeout(Duration.ZERO).maxRequestBodyBytes(0).build())
        .hasMessageContaining("approvalTimeout must be positive")
        .hasMessageContaining("maxRequestBodyBytes must be positive");
  }

  @Test
  void deniesWhenThePolicyEngineThrows() {
    Verdict v = guard(q -> { throw new PolicyException("rules unavailable"); }).build().check(BOB, GET_SECRET, CallContext.now());
    assertThat(v.allowed()).isFalse();
    assertThat(v.message()).contains("policy engine failed: rules unavailable");

    Verdict npe = guard(q -> { throw new NullPointerException(); }).build().check(BOB, GET_SECRET, CallContext.now());
    assertThat(npe.allowed()).isFalse();
    Verdict nul = guard(q -> null).build().check(BOB, GET_SECRET, CallContext.now());
    assertThat(nul.allowed()).isFalse();
    assertThat(nul.message()).contains("returned no decision");
  }

  @Test
  void deniesWhatTheApiServerWouldRejectWithoutAskingThePolicy() {
    List<AccessRequest> asked = new CopyOnWriteArrayList<>();
    Guard g = guard(q -> { asked.add(q); return Decision.allow(); }).build();
    Verdict badEscape = g.check(BOB, KubeRequest.of("GET", "/api/v1/namespaces/shop/pods/x%zz"), CallContext.now());
    assertThat(badEscape.allowed()).isFalse();
    assertThat(badEscape.message()).contains("request rejected");
    assertThat(asked).isEmpty();
  }

  @Test
  void deniesACallWithNoIdentityAndOversizedBodies() {
    Guard g = guard(q -> Decision.allow()).maxRequestBodyBytes(10).build();
    assertThat(g.check(null, GET_SECRET, CallContext.now()).message()).contains("no identity is bound");
    KubeRequest big = KubeRequest.of("POST", "/api/v1/namespaces/a/configmaps", Map.of(), new byte[11]);
    assertThat(g.check(BOB, big, CallContext.now()).message()).contains("exceeds the guard's limit of 10");
  }

  @Test
  void allowsAndRecordsTheDecisionBeforeForwarding() {
    Guard g = guard(q -> Decision.allow("read", "reads are fine")).build();
    Verdict v = g.check(BOB, GET_SECRET, CallContext.forTool("get_secret", "s-1"));
    assertThat(v.allowed()).isTrue();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.RequestReceived);
      assertThat(e.auditId()).isEqualTo(v.auditId());
      assertThat(e.verb()).isEqualTo("get");
      assertThat(e.objectRef().resource()).isEqualTo("secrets");
      assertThat(e.objectRef().name()).isEqualTo("db-creds");
      assertThat(e.annotations()).containsEntry("kubeguard.dev/decision", "allow")
          .containsEntry("kubeguard.dev/rule", "read")
          .containsEntry("kubeguard.dev/tool", "get_secret")
          .containsEntry("kubeguard.dev/session", "s-1");
    });
  }

  @Test
  void deniesWhenTheRecorderCannotAcceptUnlessExplicitlyAllowed() {
    PolicyEngine allow = q -> Decision.allow();
    Guard strict = Guard.builder().policy(allow).recorder(e -> { throw new RecordingException("disk full"); }).build();
    Verdict v = strict.check(BOB, GET_SECRET, CallContext.now());
    assertThat(v.allowed()).isFalse();
    assertThat(v.message()).contains("audit trail cannot record");

    Guard lenient = Guard.builder().policy(allow).recorder(e -> { throw new RecordingException("disk full"); })
        .recordingFailureAllows(true).build();
    assertThat(lenient.check(BOB, GET_SECRET, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void denyOutranksApprovalOutranksAllowAcrossImpersonationChecks() {
    KubeRequest impersonating = KubeRequest.of("GET", "/api/v1/namespaces/shop/pods",
        Map.of("Impersonate-User", List.of("admin")), null);
    PolicyEngine p = q -> q.attributes().verb().equals("impersonate")
        ? Decision.deny("no-impersonation", "impersonation is not allowed")
        : Decision.allow();
    Verdict v = guard(p).build().check(BOB, impersonating, CallContext.now());
    assertThat(v.allowed()).isFalse();
    assertThat(v.message()).contains("cannot impersonate resource \"users\"").contains("no-impersonation");
  }

  @Test
  void execOverWebSocketIsAskedAsCreate() {
    List<String> verbs = new CopyOnWriteArrayList<>();
    KubeRequest exec = KubeRequest.of("GET", "/api/v1/namespaces/shop/pods/web/exec?command=sh&stdin=true",
        Map.of("Connection", List.of("Upgrade"), "Upgrade", List.of("websocket")), null);
    guard(q -> { verbs.add(q.attributes().verb() + " " + q.attributes().combinedResource()); return Decision.deny("x"); })
        .build().check(BOB, exec, CallContext.now());
    assertThat(verbs).containsExactly("create pods/exec");
  }

  // --- approvals -----------------------------------------------------------------------------

  private static PolicyEngine approvalFor(ApprovalRequirement req) {
    return q -> q.attributes().verb().equals("delete")
        ? Decision.requireApproval("prod-deletes", "deletes in prod need approval", req)
        : Decision.allow();
  }

  @Test
  void requestThenRetryPassesOnceApprovedAndOnlyOnce() {
    CompletableFuture<ApprovalOutcome> answer = new CompletableFuture<>();
    List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();
    Approver approver = r -> { asked.add(r); return answer; };
    Guard g = guard(approvalFor(ApprovalRequirement.of("sre-leads"))).approver(approver).build();

    Verdict first = g.check(BOB, DELETE_POD, CallContext.now());
    assertThat(first.allowed()).isFalse();
    assertThat(first.approvalId()).startsWith("apr-");
    assertThat(first.message()).contains(first.approvalId()).contains("pending");

    Verdict stillPending = g.check(BOB, DELETE_POD, CallContext.now());
    assertThat(stillPending.approvalId()).isEqualTo(first.approvalId());
    assertThat(asked).hasSize(1);

    answer.complete(ApprovalOutcome.approved(first.approvalId(), List.of(ALICE), "ok"));
    Verdict retry = g.check(BOB, DELETE_POD, CallContext.now());
    assertThat(retry.allowed()).isTrue();
    assertThat(retry.approvalId()).isEqualTo(first.approvalId());

    // The approval is spent: the next identical request asks afresh, and the approver's old
    // answer (for the first approval id) does not count for the new one.
    Verdict again = g.check(BOB, DELETE_POD, CallContext.now());
    assertThat(again.allowed()).isFalse();
    assertThat(again.approvalId()).isNotEqualTo(first.approvalId());
    assertThat(again.message()).contains("outcome for " + first.approvalId());
    assertThat(asked).hasSize(2);
  }

  @Test
  void approvalWorksForRequestsWithJsonBodiesLikeFabric8Deletes() {
    ManualApprover approver = new ManualApprover();
    Guard g = guard(approvalFor(ApprovalRequirement.of("sre-leads"))).approver(approver).build();
    KubeRequest delete = KubeRequest.of("DELETE", "/api/v1/namespaces/prod/pods/web-1", Map.of(),
        "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Background\"}".getBytes(StandardCharsets.UTF_8));
    Verdict first = g.check(BOB, delete, CallContext.now());
    assertThat(first.message()).contains("pending");
    approver.approve(first.approvalId(), ALICE, "ok");
    assertThat(g.check(BOB, delete, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void anApprovalNeverCoversADifferentRequest() {
    Approver instant = r -> CompletableFuture.completedFuture(ApprovalOutcome.approved(r.id(), List.of(ALICE), ""));
    Guard g = guard(approvalFor(ApprovalRequirement.of("sre-leads"))).approver(new Approver() {
      int n;
      @Override
      public java.util.concurrent.CompletionStage<ApprovalOutcome> requestApproval(ApprovalRequest r) {
        // Approve only the first request asked for.
        return n++ == 0 ? instant.requestApproval(r) : new CompletableFuture<>();
      }
    }).build();
    assertThat(g.check(BOB, DELETE_POD, CallContext.now()).allowed()).isTrue();
    KubeRequest other = KubeRequest.of("DELETE", "/api/v1/namespaces/prod/pods/web-2");
    assertThat(g.check(BOB, other, CallContext.now()).allowed()).isFalse();
    assertThat(g.check(ALICE, DELETE_POD, CallContext.now()).allowed()).isFalse();
  }

  @Test
  void aRequesterCannotApproveTheirOwnRequestNorOutsidersApprove() {
    Guard self = guard(approvalFor(ApprovalRequirement.of())).approver(
        r -> CompletableFuture.completedFuture(ApprovalOutcome.approved(r.id(), List.of(BOB), "me"))).build();
    Verdict v = self.check(BOB, DELETE_POD, CallContext.now());
    assertThat(v.allowed()).isFalse();
    assertThat(v.message()).contains("cannot approve their own request");

    Guard outsider = guard(approvalFor(ApprovalRequirement.of("sre-leads"))).approver(
        r -> CompletableFuture.completedFuture(ApprovalOutcome.approved(r.id(), List.of(Identity.of("carol", "devs")), ""))).build();
    assertThat(outsider.check(BOB, DELETE_POD, CallContext.now()).message()).contains("not in an approver group");

    ApprovalRequirement two = new ApprovalRequirement(List.of(), 2, null, ApprovalMode.REQUEST_THEN_RETRY, null);
    Guard twice = guard(approvalFor(two)).approver(
        r -> CompletableFuture.completedFuture(ApprovalOutcome.approved(r.id(), List.of(ALICE, ALICE), ""))).build();
    assertThat(twice.check(BOB, DELETE_POD, CallContext.now()).message()).contains("needs 2 distinct approver(s), got 1");
  }

  @Test
  void blockingApprovalWaitsForTheAnswerAndTimesOutAsADenial() {
    ApprovalRequirement blocking = new ApprovalRequirement(List.of(), 1, null, ApprovalMode.BLOCKING, null);
    Guard g = guard(approvalFor(blocking)).approvalTimeout(Duration.ofSeconds(10)).approver(r -> {
      CompletableFuture<ApprovalOutcome> f = new CompletableFuture<>();
      timer.schedule(() -> f.complete(ApprovalOutcome.approved(r.id(), List.of(ALICE), "")), 50, TimeUnit.MILLISECONDS);
      return f;
    }).build();
    assertThat(g.check(BOB, DELETE_POD, CallContext.now()).allowed()).isTrue();

    Guard silent = guard(approvalFor(blocking)).approvalTimeout(Duration.ofMillis(50))
        .approver(r -> new CompletableFuture<>()).build();
    Verdict v = silent.check(BOB, DELETE_POD, CallContext.now());
    assertThat(v.allowed()).isFalse();
    assertThat(v.message()).contains("pending");
  }

  @Test
  void approverFailuresAndRefusalsAreDenials() {
    Guard throwing = guard(approvalFor(ApprovalRequirement.of())).approver(r -> { throw new IllegalStateException("chat down"); }).build();
    assertThat(throwing.check(BOB, DELETE_POD, CallContext.now()).message()).contains("approver reported an error");

    Guard failing = guard(approvalFor(ApprovalRequirement.of())).approver(
        r -> CompletableFuture.failedFuture(new RuntimeException("boom"))).build();
    assertThat(failing.check(BOB, DELETE_POD, CallContext.now()).allowed()).isFalse();

    Guard refusing = guard(approvalFor(ApprovalRequirement.of())).approver(
        r -> CompletableFuture.completedFuture(ApprovalOutcome.denied(r.id(), List.of(ALICE), "not during the sale"))).build();
    Verdict v = refusing.check(BOB, DELETE_POD, CallContext.now());
    assertThat(v.message()).contains("denied: not during the sale");

    Guard none = guard(approvalFor(ApprovalRequirement.of())).build();
    assertThat(none.check(BOB, DELETE_POD, CallContext.now()).message()).contains("no approver is configured");
  }

  @Test
  void anUnansweredApprovalExpiresIntoADenial() {
    MutableClock clock = new MutableClock();
    ApprovalRequirement shortLived = new ApprovalRequirement(List.of(), 1, Duration.ofMinutes(1), ApprovalMode.REQUEST_THEN_RETRY, null);
    Guard g = guard(approvalFor(shortLived)).clock(clock).approver(r -> new CompletableFuture<>()).build();
    Verdict first = g.check(BOB, DELETE_POD, CallContext.now());
    clock.advance(Duration.ofMinutes(2));
    Verdict late = g.check(BOB, DELETE_POD, CallContext.now());
    assertThat(late.allowed()).isFalse();
    assertThat(late.message()).contains(first.approvalId()).contains("expired");
  }

  // --- responses -----------------------------------------------------------------------------

  @Test
  void unmaskedProfileStreamsThroughAndRecordsTheResponse() throws Exception {
    Obligations none = new Obligations(AuditLevel.REQUEST_RESPONSE, "none", null);
    Guard g = guard(q -> Decision.allow("r", "ok").withObligations(none)).build();
    Verdict v = g.check(BOB, KubeRequest.of("GET", "/api/v1/namespaces/shop/configmaps/c"), CallContext.now());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MaskingStream s = g.openResponse(v, 200, "application/json", null, chunk -> {
      byte[] b = new byte[chunk.remaining()];
      chunk.get(b);
      out.write(b);
    });
    s.write(ByteBuffer.wrap("{\"kind\":".getBytes(StandardCharsets.UTF_8)));
    s.write(ByteBuffer.wrap("\"ConfigMap\"}".getBytes(StandardCharsets.UTF_8)));
    s.finish();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"kind\":\"ConfigMap\"}");
    assertThat(events).last().satisfies(e -> {
      assertThat(e.responseStatus().code()).isEqualTo(200);
      assertThat(e.responseObject()).isEqualTo("{\"kind\":\"ConfigMap\"}");
    });
  }

  @Test
  void encodedBodiesThatMustBeMaskedAreRefused() {
    Guard g = guard(q -> Decision.allow()).masker((ctx, sink) -> { throw new AssertionError("must not be asked"); }).build();
    Verdict v = g.check(BOB, GET_SECRET, CallContext.now());
    assertThatThrownBy(() -> g.openResponse(v, 200, "application/json", "gzip", chunk -> {}))
        .hasMessageContaining("gzip");
  }

  @Test
  void attributeOnlyChecksCannotBeApproved() {
    Guard g = guard(approvalFor(ApprovalRequirement.of())).approver(r -> new CompletableFuture<>()).build();
    Verdict v = g.check(AccessRequest.forAttributes(BOB,
        Attributes.resource("delete", "", "v1", "pods", "", "prod", "web"), CallContext.now()));
    assertThat(v.allowed()).isFalse();
    assertThat(v.message()).contains("cannot be approved");
  }

  static final class MutableClock extends java.time.Clock {
    private java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }
}

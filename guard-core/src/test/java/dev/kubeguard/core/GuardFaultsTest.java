package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.api.spi.PolicyEngine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A part that throws an {@link Error} is a denial or a withheld body, never an escape from the Guard. */
class GuardFaultsTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final KubeRequest GET_SECRET = KubeRequest.of("GET", "/api/v1/namespaces/shop/secrets/db-creds");
  private static final KubeRequest DELETE_POD = KubeRequest.of("DELETE", "/api/v1/namespaces/prod/pods/web-1");
  private static final PolicyEngine ALLOW = q -> Decision.allow();
  private static final PolicyEngine APPROVAL_FOR_DELETES = q -> q.attributes().verb().equals("delete")
      ? Decision.requireApproval("prod-deletes", "deletes in prod need approval", ApprovalRequirement.of())
      : Decision.allow();

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  private Guard.Builder guard(PolicyEngine policy) {
    return Guard.builder().policy(policy).recorder(events::add);
  }

  @Test
  void policyEngineThrowingAssertionErrorIsADenialNotACrash() {
    GuardedExchange x = guard(q -> { throw new AssertionError("invariant broken"); }).build()
        .begin(BOB, GET_SECRET, CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.statusCode()).isEqualTo(403);
    assertThat(new String(x.statusBody(), StandardCharsets.UTF_8)).contains("\"reason\":\"Forbidden\"");
    assertThat(x.message()).contains("policy engine failed: invariant broken");
    assertThat(events).singleElement().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(403));
  }

  @Test
  void policyEngineOverflowingItsStackIsStillADenial() {
    GuardedExchange x = guard(q -> { throw new StackOverflowError(); }).build().begin(BOB, GET_SECRET, CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.message()).contains("policy engine failed: StackOverflowError");
  }

  @Test
  void jvmFatalErrorsFromAPolicyEngineAreNotSwallowed() {
    Guard g = guard(q -> { throw new OutOfMemoryError("heap"); }).build();

    assertThatThrownBy(() -> g.begin(BOB, GET_SECRET, CallContext.now())).isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void approverThrowingErrorIsADenial() {
    GuardedExchange x = guard(APPROVAL_FOR_DELETES).approver(r -> { throw new AssertionError("chat bot broke"); }).build()
        .begin(BOB, DELETE_POD, CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.message()).contains("approver reported an error");
    assertThat(events).singleElement().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(403));
  }

  @Test
  void approverCompletingWithAnErrorIsADenial() {
    GuardedExchange x = guard(APPROVAL_FOR_DELETES)
        .approver(r -> CompletableFuture.failedFuture(new AssertionError("chat bot broke"))).build()
        .begin(BOB, DELETE_POD, CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.message()).contains("approver reported an error");
  }

  @Test
  void recorderThrowingErrorDenies() {
    GuardedExchange x = Guard.builder().policy(ALLOW).recorder(e -> { throw new AssertionError("bad event"); }).build()
        .begin(BOB, GET_SECRET, CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.statusCode()).isEqualTo(403);
    assertThat(x.message()).contains("audit trail cannot record");
  }

  @Test
  void recorderThrowingErrorForwardsWhenConfiguredTo() {
    GuardedExchange x = Guard.builder().policy(ALLOW).recorder(e -> { throw new AssertionError("bad event"); })
        .recordingFailureAllows(true).build().begin(BOB, GET_SECRET, CallContext.now());

    assertThat(x.allowed()).isTrue();
  }

  @Test
  void recorderThrowingErrorAfterForwardingStillPassesTheResponse() throws Exception {
    Guard g = Guard.builder().policy(ALLOW).recorder(e -> {
      if (e.stage() == AuditEvent.Stage.ResponseComplete) {
        throw new AssertionError("bad event");
      }
    }).build();
    GuardedExchange x = g.begin(BOB, GET_SECRET, CallContext.now());
    StringBuilder out = new StringBuilder();

    ResponseStream body = passed(x.respond(200, "application/json", null, false, c -> out.append(StandardCharsets.UTF_8.decode(c))));
    body.write(utf8("{\"kind\":\"Status\"}"));
    body.finish();

    assertThat(out).contains("Status");
  }

  @Test
  void maskerThrowingErrorWithholdsTheBody() {
    GuardedExchange x = guard(ALLOW).masker((ctx, sink) -> { throw new AssertionError("masker bug"); }).build()
        .begin(BOB, GET_SECRET, CallContext.now());

    GuardedExchange.Reply reply = x.respond(200, "application/json", null, false, c -> {});

    assertThat(reply).isInstanceOfSatisfying(GuardedExchange.Reply.Withhold.class, w -> {
      assertThat(w.code()).isEqualTo(500);
      assertThat(new String(w.body(), StandardCharsets.UTF_8)).contains("InternalError").contains("withheld");
    });
    assertThat(events).last().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(500));
  }

  @Test
  void maskingStreamThrowingErrorEndsTheBodyAsAMaskingFailure() {
    GuardedExchange x = guard(ALLOW).masker((ctx, sink) -> new MaskingStream() {
      @Override
      public void write(ByteBuffer chunk) {
        throw new AssertionError("stream bug");
      }

      @Override
      public void finish() {}

      @Override
      public int maskedCount() {
        return 0;
      }
    }).build().begin(BOB, GET_SECRET, CallContext.now());
    ResponseStream body = passed(x.respond(200, "application/json", null, false, c -> {}));

    assertThatThrownBy(() -> body.write(utf8("{}"))).isInstanceOf(MaskingException.class);
    assertThat(events).last().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(500));
  }

  @Test
  void maskerThrowingErrorOnARecordedRequestBodyKeepsTheBodyOutOfTheTrail() {
    KubeRequest create = KubeRequest.of("POST", "/api/v1/namespaces/shop/secrets",
        Map.of("Content-Type", List.of("application/json")), utf8Bytes("{\"data\":{\"password\":\"czNjcjN0\"}}"));
    PolicyEngine allowRecordingBodies = q -> Decision.allow().withObligations(
        Obligations.defaults().withAuditLevel(AuditLevel.REQUEST));

    GuardedExchange x = guard(allowRecordingBodies).masker((ctx, sink) -> { throw new AssertionError("masker bug"); }).build()
        .begin(BOB, create, CallContext.now());

    assertThat(x.allowed()).isTrue();
    assertThat(events).singleElement().satisfies(e -> assertThat(String.valueOf(e.requestObject())).doesNotContain("czNjcjN0"));
  }

  private static ResponseStream passed(GuardedExchange.Reply reply) {
    assertThat(reply).isInstanceOf(GuardedExchange.Reply.Pass.class);
    return ((GuardedExchange.Reply.Pass) reply).body();
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(utf8Bytes(s));
  }

  private static byte[] utf8Bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

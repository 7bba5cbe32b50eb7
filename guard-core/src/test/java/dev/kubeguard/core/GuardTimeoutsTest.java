package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.api.spi.Recorder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A part that hangs costs the caller its timeout, then is a denial (or, for recording, follows the
 * failure mode). The parts block on a latch the test releases; outcomes are asserted, never times.
 */
class GuardTimeoutsTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final KubeRequest GET_SECRET = KubeRequest.of("GET", "/api/v1/namespaces/shop/secrets/db-creds");
  private static final PolicyEngine ALLOW = q -> Decision.allow();
  private static final Duration SHORT = Duration.ofMillis(200);

  // Bounded so that a Guard that failed to time out fails the test instead of hanging the build.
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean partReturned = new AtomicBoolean();

  @AfterEach
  void releaseTheHungParts() {
    release.countDown();
  }

  private void hang() throws InterruptedException {
    release.await(60, TimeUnit.SECONDS);
    partReturned.set(true);
  }

  private Recorder hangingOn(Predicate<AuditEvent> which) {
    return e -> {
      if (which.test(e)) {
        try {
          hang();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  @Test
  void hangingPolicyEngineIsDeniedAfterItsTimeout() {
    Guard g = Guard.builder().policy(q -> {
      try {
        hang();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      return Decision.allow();
    }).policyTimeout(SHORT).recorder(Recorder.noop()).build();

    GuardedExchange x = g.begin(BOB, GET_SECRET, CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.statusCode()).isEqualTo(403);
    assertThat(x.message()).contains("policy engine did not answer within 200ms");
    assertThat(partReturned).isFalse();
  }

  @Test
  void policyEngineAnsweringInTimeIsHeard() {
    Guard g = Guard.builder().policy(ALLOW).policyTimeout(SHORT).recorder(Recorder.noop()).build();

    assertThat(g.begin(BOB, GET_SECRET, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void hangingRecorderDeniesAfterItsTimeoutByDefault() {
    Guard g = Guard.builder().policy(ALLOW).recorderTimeout(SHORT)
        .recorder(hangingOn(e -> e.stage() == AuditEvent.Stage.RequestReceived)).build();

    GuardedExchange x = g.begin(BOB, GET_SECRET, CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.statusCode()).isEqualTo(403);
    assertThat(x.message()).contains("audit recorder did not answer within 200ms");
  }

  @Test
  void hangingRecorderForwardsWhenConfiguredTo() {
    Guard g = Guard.builder().policy(ALLOW).recorderTimeout(SHORT).recordingFailureAllows(true)
        .recorder(hangingOn(e -> e.stage() == AuditEvent.Stage.RequestReceived)).build();

    assertThat(g.begin(BOB, GET_SECRET, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void hangingRecorderAfterForwardingDoesNotHoldTheResponse() throws Exception {
    Guard g = Guard.builder().policy(ALLOW).recorderTimeout(SHORT)
        .recorder(hangingOn(e -> e.stage() == AuditEvent.Stage.ResponseComplete)).build();
    GuardedExchange x = g.begin(BOB, GET_SECRET, CallContext.now());
    StringBuilder out = new StringBuilder();

    GuardedExchange.Reply reply = x.respond(200, "application/json", null, false, c -> out.append(StandardCharsets.UTF_8.decode(c)));
    ResponseStream body = ((GuardedExchange.Reply.Pass) reply).body();
    body.write(ByteBuffer.wrap("{\"kind\":\"Status\"}".getBytes(StandardCharsets.UTF_8)));
    body.finish();

    // The caller has its body back while the recorder is still stuck.
    assertThat(out).contains("Status");
    assertThat(partReturned).isFalse();
  }

  @Test
  void hangingApproverIsADenialAfterThePolicyTimeout() {
    PolicyEngine approvalForDeletes = q -> Decision.requireApproval("prod-deletes", "deletes need approval", ApprovalRequirement.of());
    Guard g = Guard.builder().policy(approvalForDeletes).policyTimeout(SHORT).recorder(Recorder.noop()).approver(r -> {
      try {
        hang();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      return new CompletableFuture<>();
    }).build();

    GuardedExchange x = g.begin(BOB, KubeRequest.of("DELETE", "/api/v1/namespaces/prod/pods/web-1"), CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.message()).contains("approver reported an error");
    assertThat(partReturned).isFalse();
  }

  @Test
  void buildRefusesTimeoutsThatAreNotPositiveAndSaysWhatToPass() {
    assertThatThrownBy(() -> Guard.builder().policy(ALLOW).policyTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("policyTimeout must be positive")
        .hasMessageContaining("Duration.ofSeconds(5)");
    assertThatThrownBy(() -> Guard.builder().policy(ALLOW).recorderTimeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recorderTimeout must be positive");
    assertThatThrownBy(() -> Guard.builder().policy(ALLOW).policyTimeout(null).recorderTimeout(null).build())
        .hasMessageContaining("policyTimeout").hasMessageContaining("recorderTimeout");
  }
}

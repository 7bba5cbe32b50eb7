package dev.kubeguard.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exec sessions through a guarded fabric8 client against fabric8's mock API server in expectations
 * mode (its CRUD mode has no exec), on each HTTP backend: the handshake is judged and recorded as a
 * session start, and the session's end is recorded against the same audit id.
 */
class ExecSessionTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final String EXEC = "/api/v1/namespaces/shop/pods/web/exec?command=sh&command=-c&command=echo%20hi"
      + "&container=app&stdout=true";

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
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

  private KubernetesClient bob(Backend backend, PolicyEngine policy) {
    return bob(backend, policy, 0);
  }

  private KubernetesClient bob(Backend backend, PolicyEngine policy, int retries) {
    server = new KubernetesMockServer(false);
    server.init();
    Pod web = new PodBuilder().withNewMetadata().withName("web").withNamespace("shop").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build();
    // exec first waits for the pod to run, then picks its container.
    server.expect().get().withPath("/api/v1/namespaces/shop/pods?fieldSelector=metadata.name%3Dweb")
        .andReturn(200, new PodListBuilder().withNewMetadata().withResourceVersion("1").endMetadata().addToItems(web).build())
        .always();
    server.expect().get().withPath("/api/v1/namespaces/shop/pods/web").andReturn(200, web).always();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace("shop")
        .withRequestRetryBackoffLimit(retries).withRequestRetryBackoffInterval(10).build();
    Guard guard = Guard.builder().policy(q -> {
      asked.add(q);
      return policy.decide(q);
    }).recorder(events::add).build();
    guarded = KubeGuardFabric8.builder(guard).config(config).httpClientFactory(backend.factory()).build();
    return guarded.as(BOB);
  }

  private static Decision allow(AccessRequest q) {
    return Decision.allow("all", "tests").withObligations(Obligations.defaults().withMaskingProfile("none"));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void allowedExecIsRecordedAsStartedAtTheHandshakeAndCompleteAtCloseUnderOneAuditId(Backend backend) throws Exception {
    KubernetesClient bob = bob(backend, ExecSessionTest::allow);
    server.expect().withPath(EXEC).andUpgradeToWebSocket()
        .open(new OutputStreamMessage("hi\n"), new StatusMessage(0)).done().once();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try (ExecWatch exec = bob.pods().withName("web").writingOutput(out).exec("sh", "-c", "echo hi")) {
      assertThat(exec.exitCode().get(10, TimeUnit.SECONDS)).isZero();
    }

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hi\n");
    assertThat(asked).extracting(q -> q.attributes().verb() + " " + q.attributes().combinedResource())
        .contains("create pods/exec");
    AuditEvent start = awaitEvent(e -> isExec(e) && e.stage() == AuditEvent.Stage.RequestReceived);
    AuditEvent started = awaitEvent(e -> isExec(e) && e.stage() == AuditEvent.Stage.ResponseStarted);
    AuditEvent end = awaitEvent(e -> isExec(e) && e.stage() == AuditEvent.Stage.ResponseComplete);
    assertThat(started.auditId()).isEqualTo(start.auditId());
    assertThat(started.responseStatus().code()).isEqualTo(101);
    assertThat(end.auditId()).isEqualTo(start.auditId());
    assertThat(end.responseStatus().code()).as(end.responseStatus().toString()).isEqualTo(101);
    assertThat(end.annotations()).containsKey("kubeguard.dev/session-close-code");
    // The end record spans the session: received at the handshake, completed at the close.
    assertThat(end.requestReceivedTimestamp())
        .isAfterOrEqualTo(start.requestReceivedTimestamp())
        .isBeforeOrEqualTo(end.stageTimestamp());
    assertThat(end.user().user()).isEqualTo("bob");
    assertThat(events).filteredOn(ExecSessionTest::isExec).extracting(AuditEvent::stage).containsExactly(
        AuditEvent.Stage.RequestReceived, AuditEvent.Stage.ResponseStarted, AuditEvent.Stage.ResponseComplete);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void deniedExecNeverReachesTheServer(Backend backend) {
    KubernetesClient bob = bob(backend, q -> q.attributes().subresource().equals("exec")
        ? Decision.deny("no-exec", "no shells") : allow(q));
    server.expect().withPath(EXEC).andUpgradeToWebSocket()
        .open(new OutputStreamMessage("hi\n"), new StatusMessage(0)).done().once();

    assertThatThrownBy(() -> bob.pods().withName("web").writingOutput(new ByteArrayOutputStream()).exec("sh", "-c", "echo hi"))
        .isInstanceOf(KubernetesClientException.class);

    assertThat(asked).extracting(q -> q.attributes().verb() + " " + q.attributes().combinedResource())
        .contains("create pods/exec");
    assertThat(execRequestsServed()).isZero();
    // The denial is the only record: a session that never started has no start or end.
    assertThat(events).filteredOn(ExecSessionTest::isExec).singleElement()
        .satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(403));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void handshakeTheServerRejectsIsRecordedAsAFailedEnd(Backend backend) throws Exception {
    KubernetesClient bob = bob(backend, ExecSessionTest::allow);
    // No exec expectation: the mock answers the handshake 404.

    assertThatThrownBy(() -> {
      try (ExecWatch exec = bob.pods().withName("web").writingOutput(new ByteArrayOutputStream()).exec("sh", "-c", "echo hi")) {
        exec.exitCode().get(10, TimeUnit.SECONDS);
      }
    }).isInstanceOf(Exception.class);

    AuditEvent start = awaitEvent(e -> isExec(e) && e.stage() == AuditEvent.Stage.RequestReceived);
    AuditEvent end = awaitEvent(e -> isExec(e) && e.stage() == AuditEvent.Stage.ResponseComplete);
    assertThat(end.auditId()).isEqualTo(start.auditId());
    assertThat(end.responseStatus().status()).isEqualTo("Failure");
    assertThat(events).filteredOn(ExecSessionTest::isExec).hasSize(2);
  }

  // The Jetty backend (7.5.2 beside the 7.9.0 client) surfaces a failed handshake instead of
  // retrying it; its story is checked by failedHandshakeOnJettyIsOneFailedAttemptInTheTrail.
  @ParameterizedTest
  @EnumSource(value = Backend.class, names = "JETTY", mode = EnumSource.Mode.EXCLUDE)
  void retriedHandshakeEndsEachAttemptUnderItsOwnAuditId(Backend backend) throws Exception {
    KubernetesClient bob = bob(backend, ExecSessionTest::allow, 1);
    server.expect().withPath(EXEC).andReturn(503, "busy").once();
    server.expect().withPath(EXEC).andUpgradeToWebSocket()
        .open(new OutputStreamMessage("hi\n"), new StatusMessage(0)).done().once();

    try (ExecWatch exec = bob.pods().withName("web").writingOutput(new ByteArrayOutputStream()).exec("sh", "-c", "echo hi")) {
      assertThat(exec.exitCode().get(10, TimeUnit.SECONDS)).isZero();
    }

    AuditEvent closed = awaitEvent(e -> isExec(e) && e.stage() == AuditEvent.Stage.ResponseComplete
        && e.responseStatus().code() == 101);
    List<AuditEvent> starts = events.stream()
        .filter(e -> isExec(e) && e.stage() == AuditEvent.Stage.RequestReceived).toList();
    List<AuditEvent> ends = events.stream()
        .filter(e -> isExec(e) && e.stage() == AuditEvent.Stage.ResponseComplete).toList();
    assertThat(starts).hasSize(2);
    assertThat(ends).hasSize(2);
    assertThat(ends).extracting(AuditEvent::auditId)
        .containsExactlyInAnyOrderElementsOf(starts.stream().map(AuditEvent::auditId).toList());
    assertThat(ends).filteredOn(e -> e != closed).singleElement()
        .satisfies(e -> assertThat(e.responseStatus().status()).isEqualTo("Failure"));
  }

  @Test
  void failedHandshakeOnJettyIsOneFailedAttemptInTheTrail() throws Exception {
    KubernetesClient bob = bob(Backend.JETTY, ExecSessionTest::allow, 1);
    server.expect().withPath(EXEC).andReturn(503, "busy").always();

    assertThatThrownBy(() -> bob.pods().withName("web").writingOutput(new ByteArrayOutputStream()).exec("sh", "-c", "echo hi")
        .exitCode().get(10, TimeUnit.SECONDS)).isNotNull();

    AuditEvent end = awaitEvent(e -> isExec(e) && e.stage() == AuditEvent.Stage.ResponseComplete);
    assertThat(end.responseStatus().status()).isEqualTo("Failure");
    List<AuditEvent> starts = events.stream()
        .filter(e -> isExec(e) && e.stage() == AuditEvent.Stage.RequestReceived).toList();
    assertThat(starts).extracting(AuditEvent::auditId).contains(end.auditId());
  }

  private long execRequestsServed() {
    long n = 0;
    for (int i = server.getRequestCount(); i > 0; i--) {
      try {
        var r = server.takeRequest(1, TimeUnit.SECONDS);
        if (r != null && r.getPath().contains("/exec")) {
          n++;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return n;
  }

  private static boolean isExec(AuditEvent e) {
    return e.objectRef() != null && "exec".equals(e.objectRef().subresource());
  }

  /** The session ends on an I/O thread, possibly after the caller saw the exit code. */
  private AuditEvent awaitEvent(Predicate<AuditEvent> which) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (AuditEvent e : events) {
        if (which.test(e)) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no such audit event; recorded: " + events);
  }
}

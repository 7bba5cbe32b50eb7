package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubeguard.e2e.controlplane.ServerAuditEvent;
import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.OfficialClients;
import dev.kubeguard.e2e.support.TestNamespace;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.kubernetes.client.Attach;
import io.kubernetes.client.Exec;
import io.kubernetes.client.PortForward;
import io.kubernetes.client.openapi.ApiClient;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * exec, attach and port-forward, which the policy denies to everyone, are refused by the Guard
 * before anything reaches the server: kube-apiserver's own audit log has no entry for them (no
 * request to those subresources of the pod at all), while the same exec sent unguarded by the
 * admin is in it. Through fabric8 (JDK, Vert.x) and the official client.
 */
class StreamingSubresourcesRefusedTest extends AgainstTheRealServer {

  private static final Set<String> STREAMS = Set.of("exec", "attach", "portforward");

  private String ns;

  @BeforeAll
  void plant() {
    ns = TestNamespace.create(admin, "streams");
  }


  /** A pod marked Running (no kubelet here), so clients go on to the handshake instead of waiting. */
  private String runningPod(String name) {
    Pod pod = admin.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("registry.example/shop:1").endContainer().endSpec()
        .build()).create();
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
        .addNewContainerStatus().withName("app").withImage("registry.example/shop:1").withImageID("").withReady(true)
        .withRestartCount(0).withNewState().withNewRunning().endRunning().endState().endContainerStatus()
        .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
    admin.pods().inNamespace(ns).resource(pod).updateStatus();
    return name;
  }

  /** The stream subresources of {@code pod} the Guard's trail records as denied. */
  private List<String> deniedStreams(String pod) {
    return gut.trail.events(e -> e.objectRef() != null && pod.equals(e.objectRef().name())
            && STREAMS.contains(e.objectRef().subresource())
            && "deny".equals(e.annotations().get("kubeguard.dev/decision")))
        .stream().map(e -> e.objectRef().subresource()).toList();
  }

  private void awaitDenial(String pod, String subresource) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!deniedStreams(pod).contains(subresource) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
  }

  private List<ServerAuditEvent> streamEventsOf(String pod) {
    cp.auditLog().settle();
    return cp.auditLog().matching(e -> e.namespace().equals(ns) && e.name().equals(pod) && STREAMS.contains(e.subresource()));
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void fabric8ExecAttachAndPortForwardAreRefusedBeforeTheServer(Fabric8Backend backend) throws Exception {
    String pod = runningPod("web-" + backend.name().toLowerCase());
    List<Throwable> failures = new ArrayList<>();
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
      PodResource web = guarded.as(Callers.DEVELOPER).pods().inNamespace(ns).withName(pod);

      failures.add(catchThrowable(() -> web.writingOutput(new ByteArrayOutputStream()).exec("sh", "-c", "cat /etc/secret")));
      failures.add(catchThrowable(() -> web.redirectingInput().writingOutput(new ByteArrayOutputStream()).attach()));
      try (LocalPortForward forward = web.portForward(8080);
          Socket s = new Socket("127.0.0.1", forward.getLocalPort())) {
        // The tunnel opens its WebSocket only when a local connection arrives. fabric8 does not
        // hand the refusal to the local connection (it escapes on its own thread), so the read
        // is bounded rather than awaited.
        s.setSoTimeout(3_000);
        s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        try {
          s.getInputStream().read();
        } catch (java.io.IOException closedOrTimedOut) {
          // either way nothing came through the tunnel
        }
        awaitDenial(pod, "portforward");
      }
    }

    assertThat(failures).hasSize(2).allSatisfy(f -> assertThat(f).isNotNull().hasMessageContaining("is forbidden"));
    assertThat(deniedStreams(pod)).containsExactlyInAnyOrder("exec", "attach", "portforward");
    assertThat(streamEventsOf(pod)).isEmpty();
    assertControlExecIsInTheServersLog(pod);
  }

  @Test
  void officialClientExecAttachAndPortForwardAreRefusedBeforeTheServer() throws Exception {
    String pod = runningPod("web-official");
    ApiClient client = OfficialClients.guarded(cp, gut.guard, Callers.DEVELOPER);
    List<Throwable> failures = new ArrayList<>();

    // client-java reports a refused exec or attach handshake through the returned process and
    // streams rather than by throwing; port-forward throws.
    Process exec = new Exec(client).exec(ns, pod, new String[] {"sh", "-c", "cat /etc/secret"}, false);
    assertThat(exec.getInputStream().readAllBytes()).isEmpty();
    exec.destroy();
    catchThrowable(() -> new Attach(client).attach(ns, pod, true).close());
    failures.add(catchThrowable(() -> new PortForward(client).forward(ns, pod, List.of(8080))));

    assertThat(failures).singleElement().satisfies(f -> assertThat(f).hasMessageContaining("403 Forbidden"));
    assertThat(deniedStreams(pod)).containsExactlyInAnyOrder("exec", "attach", "portforward");
    assertThat(streamEventsOf(pod)).isEmpty();
    assertControlExecIsInTheServersLog(pod);
  }

  /** Unguarded, the same exec does reach the server (and fails there, at the missing kubelet). */
  private void assertControlExecIsInTheServersLog(String pod) {
    String id = "control-exec-" + UUID.randomUUID();
    HttpResponse<String> r = cp.raw().send(cp.admin(), "POST",
        "/api/v1/namespaces/" + ns + "/pods/" + pod + "/exec?command=true&stdout=true", id);
    assertThat(r.statusCode()).isGreaterThanOrEqualTo(400);
    ServerAuditEvent logged = cp.auditLog().awaitCompleted(id);
    assertThat(logged.subresource()).isEqualTo("exec");
    assertThat(logged.name()).isEqualTo(pod);
  }
}

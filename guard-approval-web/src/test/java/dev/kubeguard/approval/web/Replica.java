package dev.kubeguard.approval.web;

import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.Authenticator;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import dev.kubeguard.approval.kubernetes.MockCluster;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import dev.kubeguard.core.oidc.OidcAuthenticator;
import dev.kubeguard.core.oidc.OidcIssuer;
import dev.kubeguard.core.oidc.TestIssuer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One replica of a guarded program for the page's tests: a Guard holding prod deletes for an
 * approval by group {@code sre}, its KubernetesApprover on a {@link MockCluster}, and the
 * approvals page on the JDK server (port picked), recording answers into {@link #events}.
 */
final class Replica implements AutoCloseable {

  static final Identity BOB = new Identity("bob", "uid-bob", List.of("developers"), Map.of(), "");
  static final KubeRequest DELETE = KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/web");
  static final byte[] KEY = "a shared answer key of at least 32 bytes!".getBytes(StandardCharsets.UTF_8);
  static final ResourceDefinitionContext APPROVALS = new ResourceDefinitionContext.Builder()
      .withGroup("kubeguard.dev").withVersion("v1alpha1").withPlural("approvalrequests").withKind("ApprovalRequest")
      .withNamespaced(true).build();

  final MockCluster cluster;
  final MutableClock clock = new MutableClock();
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  final KubernetesApprover approver;
  final Guard guard;
  final ApprovalWeb web;
  final ApprovalWebServer server;

  Replica(MockCluster cluster) throws Exception {
    this(cluster, "deleting in prod needs a human", null, UnaryOperator.identity());
  }

  /** {@code reason} is the policy's; {@code oidc} also signs in OIDC tokens; {@code recorder} wraps the event list. */
  Replica(MockCluster cluster, String reason, Authenticator oidc, UnaryOperator<Recorder> recorder) throws Exception {
    this(cluster, reason, oidc, recorder, null);
  }

  /**
   * With {@code signIn} (given the page's URL, ending in {@code /}), browser sign-in at the OIDC
   * issuer: the page is then served on a port reserved beforehand, as its redirect URI names it.
   */
  Replica(MockCluster cluster, String reason, Authenticator oidc, UnaryOperator<Recorder> recorder,
      Function<URI, OidcSignIn> signIn) throws Exception {
    this.cluster = cluster;
    KubernetesApprover.Builder a = KubernetesApprover.builder().client(cluster.client()).namespace("ops").answerKey(KEY).clock(clock);
    ApprovalWeb.Builder w = ApprovalWeb.builder().client(cluster.client()).clock(clock).recorder(recorder.apply(events::add));
    if (oidc != null) {
      a.oidc(oidc);
      w.oidc(oidc);
    }
    this.approver = a.build();
    ApprovalRequirement req = new ApprovalRequirement(List.of("sre"), 1, Duration.ofMinutes(10), ApprovalMode.REQUEST_THEN_RETRY, Duration.ZERO);
    this.guard = Guard.builder()
        .policy(q -> Decision.requireApproval("prod-deletes", reason, req))
        .approver(approver)
        .clock(clock)
        .build();
    ApprovalWeb built;
    ApprovalWebServer started = null;
    int attempts = 0;
    do {
      int port = 0;
      if (signIn != null) {
        try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          port = reserve.getLocalPort();
        }
        w.oidcSignIn(signIn.apply(URI.create("http://127.0.0.1:" + port + ApprovalWeb.DEFAULT_BASE_PATH + "/")));
      }
      built = w.approver(approver).build();
      try {
        started = ApprovalWebServer.start(built, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), ApprovalWeb.DEFAULT_BASE_PATH);
      } catch (BindException taken) {
        if (port == 0 || ++attempts == 5) {
          throw taken;
        } // else another process took the reserved port in between: reserve another
      }
    } while (started == null);
    this.web = built;
    this.server = started;
  }

  /** The authenticator of the page's OIDC approvers: tokens of {@code issuer} for {@code audience}, groups from "groups". */
  static OidcAuthenticator oidc(TestIssuer issuer, String audience) {
    return OidcAuthenticator.builder()
        .issuer(OidcIssuer.builder(issuer.issuer()).audience(audience).groupsClaim("groups").usernamePrefix("oidc:").build())
        .build();
  }

  /** Bob's prod delete, as the guarded program sends it (and retries it). */
  GuardedExchange delete() {
    return guard.begin(BOB, DELETE, CallContext.now());
  }

  GuardedExchange delete(String name) {
    return guard.begin(BOB, KubeRequest.of("DELETE", "/apis/apps/v1/namespaces/prod/deployments/" + name), CallContext.now());
  }

  /** Holds bob's delete and waits until this replica's informer lists it; returns its id. */
  String held() throws InterruptedException {
    String id = delete().approvalId();
    MockCluster.await("the informer lists " + id, () -> approver.find(id).isPresent());
    return id;
  }

  /** Writes what the Guard's view step would: the masked body, the diff and its note. */
  void writeView(String id, String maskedBody, String diff, String diffNote) throws InterruptedException {
    var objects = cluster.client().genericKubernetesResources(APPROVALS).inNamespace("ops");
    GenericKubernetesResource o = objects.withName(id).get();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) o.getAdditionalProperties().get("spec");
    spec.put("view", Map.of("maskedBody", maskedBody, "diff", diff, "diffNote", diffNote));
    objects.resource(o).update();
    MockCluster.await("the informer sees the view of " + id, () -> approver.find(id).map(p -> p.maskedBody().equals(maskedBody)).orElse(false));
  }

  PendingApproval.State state(String id) {
    return approver.find(id).orElseThrow().state();
  }

  /** Closes the page and the approver once its informer has caught up (see {@link MockCluster#settle}). */
  @Override
  public void close() throws InterruptedException {
    server.close();
    cluster.settle(List.of(approver));
    approver.close();
  }
}

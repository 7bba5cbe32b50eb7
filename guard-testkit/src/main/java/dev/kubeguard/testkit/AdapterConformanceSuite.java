package dev.kubeguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.api.spi.PolicyException;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.Guard;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every KubeGuard adapter must show on the same requests, written once and run by
 * each adapter through one hook, {@link #call}. Micrometer's compatibility kit and fabric8's
 * {@code AbstractInterceptorTest} are the model: a subclass per adapter, no case duplicated.
 *
 * <p>Each case starts a {@link FixtureApiServer} serving the real kube-apiserver captures, builds a
 * {@link Guard} with a policy, a recorder collecting events and the {@link MarkerMasker}, and asks
 * the adapter to make one call. The adapter must behave as the Guard's contract says: denials are
 * 403 Kubernetes Statuses that never reach the server, allowed requests carry the audit id,
 * responses that must be masked pass through the masker as they stream and are withheld when it
 * cannot read them. What the Guard judged is what the server received (compared on the wire over
 * the generated {@link WireCorpus}), redirects are handed back rather than followed, and the audit
 * trail tells the story the caller saw.
 *
 * <p><b>Threading:</b> JUnit runs each case on one thread with a fresh server; {@link #call} may
 * complete on any thread the client likes. <b>Failure:</b> a case fails with an
 * {@link AssertionError} naming the request it sent; an exception from {@link #call} fails a case
 * unless the case says a refusal to send is acceptable.
 */
public abstract class AdapterConformanceSuite {

  /**
   * What the caller saw. For clients that raise exceptions on 4xx/5xx answers, the subclass turns
   * the exception back into the status code and the body the server (or guard) sent.
   *
   * @param status the HTTP status code
   * @param body the response body as text
   * @param headers the response headers, keys in any case
   */
  public record Exchange(int status, String body, Map<String, List<String>> headers) {
    public Exchange {
      body = Objects.requireNonNullElse(body, "");
      headers = headers == null ? Map.of() : headers;
    }
  }

  /**
   * Makes one call through the adapter under test: a client guarded by {@code guard} on behalf of
   * {@code identity} ({@code null}: the adapter binds no identity at all) sends {@code method}
   * {@code pathAndQuery} (origin form, percent-encoded) to {@code server} with {@code headers} and
   * {@code body} ({@code null} for none), reads the whole response body and returns what the
   * caller saw. The client must not follow redirects (a followed hop reaches the server
   * unjudged): a 3xx is what the caller sees.
   *
   * @throws Exception when the client fails the call without a response (connection refused, a
   *     body the adapter had to fail mid-stream)
   */
  protected abstract Exchange call(Guard guard, Identity identity, URI server, String method,
      String pathAndQuery, Map<String, String> headers, byte[] body) throws Exception;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final Identity ALICE = Identity.of("alice", "sre-leads", Identity.AUTHENTICATED);
  private static final String SECRET = "/api/v1/namespaces/shop/secrets/db-creds";
  private static final String SECRETS = "/api/v1/namespaces/shop/secrets";
  private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

  /** The fixture server of the running case. */
  protected FixtureApiServer server;
  /** Every audit event the case's guard recorded. */
  protected final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  /** The masker of the case's guard. */
  protected final MarkerMasker masker = new MarkerMasker();

  @BeforeEach
  void startServer() throws IOException {
    server = FixtureApiServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** A guard with {@code policy}, recording into {@link #events} and masking with {@link #masker}. */
  protected Guard.Builder guard(PolicyEngine policy) {
    return Guard.builder().policy(policy).recorder(events::add).masker(masker);
  }

  private Exchange get(Guard g, Identity who, String path) throws Exception {
    return call(g, who, server.uri(), "GET", path, Map.of(), null);
  }

  // --- denials ---------------------------------------------------------------------------------

  @Test
  void deniedRequestNeverReachesTheServerAndAnswersAForbiddenStatusNamingTheRule() throws Exception {
    Guard g = guard(q -> Decision.deny("no-secrets", "secrets are off limits")).build();

    Exchange x = get(g, BOB, SECRET);

    assertThat(server.count()).isZero();
    assertThat(x.status()).isEqualTo(403);
    JsonNode status = JSON.readTree(x.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(status.path("code").asInt()).isEqualTo(403);
    assertThat(status.path("details").path("name").asText()).isEqualTo("db-creds");
    assertThat(status.path("message").asText())
        .contains("User \"bob\" cannot get resource \"secrets\"")
        .contains("kubeguard: secrets are off limits (rule \"no-secrets\")");
  }

  @Test
  void callWithoutIdentityIsForbiddenAndNeverSent() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();

    Exchange x = get(g, null, SECRET);

    assertThat(x.status()).isEqualTo(403);
    assertThat(x.body()).contains("no identity is bound");
    assertThat(server.count()).isZero();
  }

  @Test
  void policyFailureIsForbiddenAndNeverSent() throws Exception {
    Guard g = guard(q -> { throw new PolicyException("rule store unreachable"); }).build();

    Exchange x = get(g, BOB, SECRET);

    assertThat(x.status()).isEqualTo(403);
    assertThat(x.body()).contains("policy engine failed: rule store unreachable");
    assertThat(server.count()).isZero();
  }

  @Test
  void recorderFailureIsForbiddenAndNeverSent() throws Exception {
    Guard g = Guard.builder().policy(q -> Decision.allow()).masker(masker)
        .recorder(e -> { throw new RecordingException("audit disk full"); }).build();

    Exchange x = get(g, BOB, SECRET);

    assertThat(x.status()).isEqualTo(403);
    assertThat(x.body()).contains("audit trail cannot record");
    assertThat(server.count()).isZero();
  }

  @Test
  void approvalPendingIsForbiddenNamingTheApprovalAndTheApprovedRetryPasses() throws Exception {
    CompletableFuture<ApprovalOutcome> answer = new CompletableFuture<>();
    List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();
    Guard g = guard(q -> Decision.requireApproval("secret-reads", "secret reads need a second pair of eyes",
            ApprovalRequirement.of("sre-leads")))
        .approver(r -> { asked.add(r); return answer; })
        .build();

    Exchange first = get(g, BOB, SECRET);

    assertThat(first.status()).isEqualTo(403);
    assertThat(asked).hasSize(1);
    String approvalId = asked.get(0).id();
    assertThat(first.body()).contains(approvalId).contains("pending");
    assertThat(server.count()).isZero();

    answer.complete(ApprovalOutcome.approved(approvalId, List.of(ALICE), "looked fine"));
    Exchange retry = get(g, BOB, SECRET);

    assertThat(retry.status()).isEqualTo(200);
    assertThat(server.count()).isEqualTo(1);
  }

  // --- forwarding ------------------------------------------------------------------------------

  @Test
  void allowedRequestReachesTheServerCarryingTheRecordedAuditId() throws Exception {
    Guard g = guard(q -> Decision.allow("reads", "reads are fine")).build();

    Exchange x = get(g, BOB, SECRET);

    assertThat(x.status()).isEqualTo(200);
    assertThat(server.count()).isEqualTo(1);
    String sent = server.requests().get(0).header("Audit-ID");
    assertThat(sent).isNotBlank();
    assertThat(events).filteredOn(e -> e.stage() == AuditEvent.Stage.RequestReceived)
        .singleElement().satisfies(e -> {
          assertThat(e.auditId()).isEqualTo(sent);
          assertThat(e.user().user()).isEqualTo("bob");
          assertThat(e.requestUri()).isEqualTo(SECRET);
        });
  }

  @Test
  void credentialsNeverReachThePolicy() throws Exception {
    List<AccessRequest> seen = new CopyOnWriteArrayList<>();
    Guard g = guard(q -> { seen.add(q); return Decision.allow(); }).build();

    Exchange x = call(g, BOB, server.uri(), "GET", SECRET, Map.of("Authorization", "Bearer sa-token-123"), null);

    assertThat(x.status()).isEqualTo(200);
    assertThat(seen).isNotEmpty().allSatisfy(q -> assertThat(q.request().header("Authorization")).isNull());
    assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer sa-token-123");
  }

  @Test
  void protobufAcceptIsRewrittenToJsonWhenTheResponseMustBeMasked() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();

    Exchange x = call(g, BOB, server.uri(), "GET", SECRETS, Map.of("Accept", PROTOBUF + ", application/json"), null);

    assertThat(server.requests().get(0).header("Accept")).isEqualTo("application/json");
    assertThat(x.status()).isEqualTo(200);
    assertThat(JSON.readTree(x.body()).path("kind").asText()).isEqualTo("SecretList");
  }

  @Test
  void protobufBodyArrivingAnywayIsWithheld() throws Exception {
    server.forceProtobuf();
    Guard g = guard(q -> Decision.allow()).build();

    Exchange x = get(g, BOB, SECRETS);

    assertThat(server.count()).isEqualTo(1);
    assertThat(x.status()).isEqualTo(500);
    JsonNode status = JSON.readTree(x.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("InternalError");
    assertThat(x.body()).doesNotContain("k8s").doesNotContain("db-creds");
  }

  @Test
  void requestBodyIsVisibleToThePolicyAndForwardedUnchanged() throws Exception {
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    Guard g = guard(q -> { bodies.add(q.request().body()); return Decision.allow(); }).build();
    byte[] configMap = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\"},\"data\":{\"mode\":\"fast\"}}"
        .getBytes(StandardCharsets.UTF_8);

    Exchange x = call(g, BOB, server.uri(), "POST", "/api/v1/namespaces/shop/configmaps",
        Map.of("Content-Type", "application/json"), configMap);

    assertThat(bodies).isNotEmpty().allSatisfy(b -> assertThat(b).isEqualTo(configMap));
    assertThat(server.requests().get(0).body()).isEqualTo(configMap);
    assertThat(x.status()).isEqualTo(201);
  }

  @Test
  void serverErrorsReachTheCallerAsTheServerSentThem() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();

    Exchange x = get(g, BOB, "/api/v1/namespaces/shop/secrets/missing");

    assertThat(x.status()).isEqualTo(404);
    assertThat(JSON.readTree(x.body()).path("reason").asText()).isEqualTo("NotFound");
  }

  @Test
  void unreachableServerIsRecordedAsAFailedResponse() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }

    Throwable failure = catchThrowable(() -> call(g, BOB, URI.create("http://127.0.0.1:" + closedPort), "GET", SECRET, Map.of(), null));

    assertThat(failure).isNotNull();
    assertThat(events).filteredOn(e -> e.stage() == AuditEvent.Stage.ResponseComplete)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.responseStatus().message()).contains("failed"));
  }

  // --- masking and recording -------------------------------------------------------------------

  @Test
  void responseBodyPassesThroughTheMasker() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();

    Exchange x = get(g, BOB, SECRET);

    assertThat(new String(server.fixture("secret-get.json"), StandardCharsets.UTF_8)).contains(MarkerMasker.MARKER);
    assertThat(x.status()).isEqualTo(200);
    assertThat(x.body()).doesNotContain(MarkerMasker.MARKER).contains(MarkerMasker.REPLACEMENT + "-Pa55w0rd!");
    assertThat(masker.opened()).isEqualTo(1);
  }

  /**
   * The real default masker behind this adapter, over every captured shape a client can ask for:
   * no value planted in the captures ({@code must-not-leak.json}) reaches the caller, plain or
   * base64, and every JSON body still parses.
   */
  @Test
  void defaultMaskerLeaksNothingFromAnyCapturedResponseShape() throws Exception {
    Obligations recordAll = new Obligations(AuditLevel.REQUEST_RESPONSE, Obligations.DEFAULT_PROFILE, null);
    Guard g = Guard.builder().policy(q -> Decision.allow("all", "ok").withObligations(recordAll)).recorder(events::add).build();
    String table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    List<Exchange> answers = List.of(
        get(g, BOB, SECRET),
        get(g, BOB, SECRETS),
        get(g, BOB, SECRETS + "?watch=true"),
        call(g, BOB, server.uri(), "GET", SECRETS, Map.of("Accept", table), null),
        call(g, BOB, server.uri(), "GET", SECRETS + "?includeObject=Object", Map.of("Accept", table), null),
        get(g, BOB, "/apis/apps/v1/namespaces/shop/deployments/web"),
        get(g, BOB, "/api/v1/namespaces/shop/configmaps/app-config"),
        call(g, BOB, server.uri(), "POST", "/api/v1/namespaces/shop/serviceaccounts/deployer/token",
            Map.of("Content-Type", "application/json"),
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}".getBytes(StandardCharsets.UTF_8)),
        call(g, BOB, server.uri(), "PATCH", SECRET, Map.of("Content-Type", "application/merge-patch+json"),
            "{\"stringData\":{\"password\":\"R0tated-Pa55!\"}}".getBytes(StandardCharsets.UTF_8)),
        call(g, BOB, server.uri(), "PATCH", SECRET + "?fieldManager=kubectl", Map.of("Content-Type", "application/apply-patch+yaml"),
            "apiVersion: v1\nkind: Secret\nstringData: {api: ssa-secret-value-123}\n".getBytes(StandardCharsets.UTF_8)));

    JsonNode mustNotLeak = JSON.readTree(server.fixture("must-not-leak.json"));
    for (Exchange x : answers) {
      assertThat(x.status()).as(x.body()).isBetween(200, 201);
      for (String field : List.of("plainValues", "base64Values")) {
        for (JsonNode secret : mustNotLeak.get(field)) {
          assertThat(x.body()).doesNotContain(secret.asText());
        }
      }
      // the masker keeps the server's bytes (pretty-printed captures stay pretty): every root parses
      try (var roots = JSON.readerFor(JsonNode.class).readValues(x.body())) {
        assertThat(roots.hasNext()).as(x.body()).isTrue();
        while (roots.hasNext()) {
          assertThat((JsonNode) roots.next()).isNotNull();
        }
      }
    }
    // Bodies are recorded only masked, too.
    String recorded = events.stream().map(e -> e.responseObject() + " " + e.requestObject()).collect(Collectors.joining("\n"));
    assertThat(recorded).contains("kubeguard-masked:").doesNotContain("S3cr3t-Pa55w0rd!").doesNotContain("R0tated-Pa55!")
        .doesNotContain("ssa-secret-value-123");
  }

  @Test
  void watchStreamAndTextLogArePassedThroughTheMasker() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();

    Exchange watch = get(g, BOB, SECRETS + "?watch=true");
    Exchange log = get(g, BOB, "/api/v1/namespaces/shop/pods/web/log");

    assertThat(watch.status()).isEqualTo(200);
    assertThat(watch.body()).doesNotContain(MarkerMasker.MARKER).contains("\"type\":\"DELETED\"");
    assertThat(watch.body().lines().count()).isEqualTo(
        new String(server.fixture("secret-watch.jsonstream"), StandardCharsets.UTF_8).lines().count());
    assertThat(log.body()).isEqualTo("starting\nconnecting with password " + MarkerMasker.REPLACEMENT + "-Pa55w0rd!\nready\n");
  }

  @Test
  void unmaskedProfileLeavesTheBodyAndAcceptAlone() throws Exception {
    Guard g = guard(q -> Decision.allow("raw", "trusted tool").withObligations(
        Decision.allow().obligations().withMaskingProfile("none"))).build();

    Exchange x = call(g, BOB, server.uri(), "GET", SECRET, Map.of("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io"), null);

    assertThat(x.body()).contains(MarkerMasker.MARKER);
    assertThat(server.requests().get(0).header("Accept")).isEqualTo("application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(masker.opened()).isZero();
  }

  @Test
  void largeResponseStreamsThroughTheMaskerChunkByChunk() throws Exception {
    // The server holds back the second half until the masker has seen a megabyte: an adapter that
    // buffered the whole body before masking would stall here until the server gives up waiting.
    Masker releasing = (ctx, sink) -> {
      MaskingStream inner = masker.open(ctx, sink);
      return new MaskingStream() {
        @Override
        public void write(ByteBuffer chunk) throws dev.kubeguard.api.spi.MaskingException {
          inner.write(chunk);
          if (masker.bytesIn() > 1024 * 1024) {
            server.releaseSecondHalf();
          }
        }

        @Override
        public void finish() throws dev.kubeguard.api.spi.MaskingException {
          inner.finish();
        }

        @Override
        public int maskedCount() {
          return inner.maskedCount();
        }
      };
    };
    Guard g = Guard.builder().policy(q -> Decision.allow()).recorder(events::add).masker(releasing).build();

    Exchange x = get(g, BOB, "/api/v1/namespaces/shop/pods/big/log");

    assertThat(x.status()).isEqualTo(200);
    assertThat(server.secondHalfTimedOut()).as("masker saw the first half before the server sent the second").isFalse();
    assertThat(x.body().length()).isEqualTo(FixtureApiServer.BIG_LOG_BYTES);
    assertThat(x.body()).doesNotContain(MarkerMasker.MARKER);
    assertThat(masker.bytesIn()).isEqualTo(FixtureApiServer.BIG_LOG_BYTES);
    assertThat(masker.chunks()).isGreaterThan(100);
  }

  @Test
  void recorderReceivesRequestReceivedAndResponseCompleteWithTheSameAuditId() throws Exception {
    Guard g = guard(q -> Decision.allow("reads", "ok")).build();

    Exchange x = get(g, BOB, SECRET);

    assertThat(x.status()).isEqualTo(200);
    Map<AuditEvent.Stage, List<AuditEvent>> byStage = events.stream().collect(Collectors.groupingBy(AuditEvent::stage));
    assertThat(byStage.get(AuditEvent.Stage.RequestReceived)).hasSize(1);
    assertThat(byStage.get(AuditEvent.Stage.ResponseComplete)).hasSize(1);
    AuditEvent complete = byStage.get(AuditEvent.Stage.ResponseComplete).get(0);
    assertThat(complete.auditId()).isEqualTo(byStage.get(AuditEvent.Stage.RequestReceived).get(0).auditId());
    assertThat(complete.responseStatus().code()).isEqualTo(200);
    assertThat(complete.annotations()).containsEntry("kubeguard.dev/decision", "allow");
  }

  @Test
  void deniedRequestIsRecordedOnceAsResponseComplete() throws Exception {
    Guard g = guard(q -> Decision.deny("no-secrets", "secrets are off limits")).build();

    get(g, BOB, SECRET);

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().code()).isEqualTo(403);
      assertThat(e.user().user()).isEqualTo("bob");
    });
  }

  // --- judged = sent: what the guard judged is what the server received ------------------------

  /**
   * How many generated targets {@link #judgedRequestIsTheReceivedRequestOrNothingIsSent} sends
   * (default 200, a few seconds for a client built per call). Override to change it, e.g. for a
   * backend whose client is costly to build; never to zero.
   */
  protected int wireCorpusExamples() {
    return 200;
  }

  /**
   * Over the {@link WireCorpus} of targets clients rewrite, with a policy that allows everything:
   * either the server received exactly one request, whose method and raw target are what the
   * policy judged, or nothing left the process and the caller got a Kubernetes Forbidden (the
   * Guard refuses what clients would rewrite). A client that refuses to build the URL and throws is
   * accepted only when the server received nothing. The server is a {@link WireRecorder}, which
   * records any request line a client writes (the JDK server of {@link FixtureApiServer} would
   * answer some, such as OkHttp's {@code GET //}, unrecorded).
   */
  @Test
  void judgedRequestIsTheReceivedRequestOrNothingIsSent() throws IOException {
    List<String> judged = new CopyOnWriteArrayList<>();
    Guard g = judgingInto(judged);

    try (WireRecorder wire = WireRecorder.start()) {
      qt().withExamples(wireCorpusExamples()).withShrinkCycles(50)
          .forAll(WireCorpus.methods(), WireCorpus.targets())
          .checkAssert((method, target) -> judgedEqualsReceived(g, wire, judged, method, target));
    }
  }

  /**
   * Targets whose dot segments climb to the root, checked on every run rather than left to
   * {@link #judgedRequestIsTheReceivedRequestOrNothingIsSent}'s draw: OkHttp sends the first as
   * {@code GET //}, a target the JDK's own server cannot even record.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "GET /api/v1/namespaces/../configmaps/../.%2e/..//",
      "DELETE /api/v1/namespaces/%2e%2e/configmaps/../../..//?watch=true",
      "GET //api/v1/namespaces/../configmaps/../../..",
  })
  void judgedRequestIsTheReceivedRequestWhenDotSegmentsClimbToTheRoot(String request) throws IOException {
    List<String> judged = new CopyOnWriteArrayList<>();
    Guard g = judgingInto(judged);
    int space = request.indexOf(' ');

    try (WireRecorder wire = WireRecorder.start()) {
      judgedEqualsReceived(g, wire, judged, request.substring(0, space), request.substring(space + 1));
    }
  }

  /** A guard that allows everything and adds what it judged, as {@code METHOD target}, to {@code judged}. */
  private Guard judgingInto(List<String> judged) {
    return guard(q -> {
      judged.add(q.request().method() + " " + q.request().uri());
      return Decision.allow();
    }).build();
  }

  private void judgedEqualsReceived(Guard g, WireRecorder wire, List<String> judged, String method, String target) {
    judged.clear();
    int before = wire.count();
    Exchange x = null;
    Exception thrown = null;
    try {
      x = call(g, BOB, wire.uri(), method, target, Map.of(), null);
    } catch (Exception e) {
      thrown = e;
    }
    List<FixtureApiServer.Received> received = wire.requests().subList(before, wire.count());
    String what = method + " " + target;
    if (received.isEmpty()) {
      if (thrown == null) {
        assertForbiddenStatus(what, x);
      }
      return;
    }
    assertThat(received).as("requests the server received for %s", what).hasSize(1);
    String sent = received.get(0).method() + " " + received.get(0).uri();
    assertThat(judged).as("what the policy judged for %s, sent as %s", what, sent).isNotEmpty()
        .allSatisfy(j -> assertThat(j).isEqualTo(sent));
  }

  // --- redirects -------------------------------------------------------------------------------

  /**
   * An allowed request answered with a redirect: the caller sees the redirect, and the hop it
   * points to (a Secret in kube-system) is never requested. A client that follows redirects sends
   * requests nobody judged.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void redirectReachesTheCallerAndIsNeverFollowed(int code) throws Exception {
    Guard g = guard(q -> Decision.allow()).build();
    String path = FixtureApiServer.redirectPath(code);

    Exchange x = get(g, BOB, path);

    assertThat(server.requests()).singleElement().satisfies(r -> assertThat(r.uri()).isEqualTo(path));
    assertThat(server.requests()).noneSatisfy(r -> assertThat(r.path()).startsWith("/api/v1/namespaces/kube-system/"));
    assertThat(x.status()).isEqualTo(code);
    assertThat(events).filteredOn(e -> e.stage() == AuditEvent.Stage.ResponseComplete)
        .singleElement().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(code));
  }

  // --- request bodies --------------------------------------------------------------------------

  @Test
  void oversizedRequestBodyIsForbiddenNeverSentAndRecordedOnce() throws Exception {
    Guard g = guard(q -> Decision.allow()).maxRequestBodyBytes(1024).build();
    byte[] body = configMapOfSize(4096);

    Exchange x = call(g, BOB, server.uri(), "POST", "/api/v1/namespaces/shop/configmaps",
        Map.of("Content-Type", "application/json"), body);

    assertForbiddenStatus("a 4 KiB POST over a 1 KiB limit", x);
    assertThat(server.count()).isZero();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().code()).isEqualTo(403);
    });
  }

  /**
   * A Secret read through the adapter with the default masker and written back whole (what
   * fabric8's {@code update()} does) carries the mask tokens in place of the real values: the
   * Guard refuses it before it is sent with kube-apiserver's 422 {@code Invalid}, naming the
   * masked fields, and records the refusal once.
   */
  @Test
  void writeBackOfMaskedValuesIsRefusedWith422AndNeverSent() throws Exception {
    Guard g = Guard.builder().policy(q -> Decision.allow("all", "ok")).recorder(events::add).build();
    Exchange read = get(g, BOB, SECRET);
    assertThat(read.body()).contains("kubeguard-masked");
    int sent = server.count();
    events.clear();

    Exchange x = call(g, BOB, server.uri(), "PUT", SECRET, Map.of("Content-Type", "application/json"),
        read.body().getBytes(StandardCharsets.UTF_8));

    assertThat(server.count()).as("the write never reached the server").isEqualTo(sent);
    assertThat(x.status()).as(x.body()).isEqualTo(422);
    JsonNode status = JSON.readTree(x.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("code").asInt()).isEqualTo(422);
    assertThat(status.path("details").path("causes").findValuesAsText("field")).contains("data.password");
    assertThat(status.path("message").asText()).contains("masked").contains("patch");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().code()).isEqualTo(422);
      assertThat(e.responseStatus().message()).isEqualTo(status.path("message").asText());
    });
  }

  // --- one request, one story: the trail records what the caller saw ---------------------------

  @Test
  void deniedRequestIsOneForbiddenEventWhoseMessageTheCallerSaw() throws Exception {
    Guard g = guard(q -> Decision.deny("no-secrets", "secrets are off limits")).build();

    Exchange x = get(g, BOB, SECRET);

    JsonNode status = assertForbiddenStatus("a denied GET", x);
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().code()).isEqualTo(403);
      assertThat(e.responseStatus().message()).isEqualTo(status.path("message").asText());
    });
  }

  @Test
  void allowedRequestIsReceivedThenCompleteWithTheCodeTheCallerSaw() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();

    Exchange x = get(g, BOB, "/api/v1/namespaces/shop/secrets/missing");

    assertThat(x.status()).isEqualTo(404);
    assertThat(events).extracting(AuditEvent::stage)
        .containsExactly(AuditEvent.Stage.RequestReceived, AuditEvent.Stage.ResponseComplete);
    assertThat(events).extracting(AuditEvent::auditId).containsOnly(events.get(0).auditId());
    assertThat(events.get(1).responseStatus().code()).isEqualTo(x.status());
  }

  @Test
  void withheldProtobufBodyIsTheSame500ToTheCallerAndInTheTrail() throws Exception {
    server.forceProtobuf();
    Guard g = guard(q -> Decision.allow()).build();

    Exchange x = get(g, BOB, SECRETS);

    assertThat(x.status()).isEqualTo(500);
    JsonNode status = JSON.readTree(x.body());
    assertThat(events).extracting(AuditEvent::stage)
        .containsExactly(AuditEvent.Stage.RequestReceived, AuditEvent.Stage.ResponseComplete);
    AuditEvent.ResponseStatus recorded = events.get(1).responseStatus();
    assertThat(recorded.code()).isEqualTo(x.status()).isEqualTo(status.path("code").asInt());
    assertThat(recorded.reason()).isEqualTo(status.path("reason").asText()).isEqualTo("InternalError");
    // The caller's Status words the withholding; the trail keeps why the masker refused.
    assertThat(status.path("message").asText()).contains(recorded.message());
  }

  /**
   * Every forwarded request carries, as {@code Audit-ID}, the id under which its own events were
   * recorded (kube-apiserver adopts it, so both audit logs join), and no two requests share one.
   */
  @Test
  void everyForwardedRequestCarriesTheAuditIdOfItsOwnEvents() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();
    byte[] configMap = configMapOfSize(200);
    List<String> ids = new java.util.ArrayList<>();

    for (int i = 0; i < 4; i++) {
      int from = events.size();
      switch (i) {
        case 0 -> get(g, BOB, SECRET);
        case 1 -> get(g, BOB, "/api/v1/namespaces/shop/secrets/missing");
        case 2 -> call(g, BOB, server.uri(), "POST", "/api/v1/namespaces/shop/configmaps",
            Map.of("Content-Type", "application/json"), configMap);
        default -> get(g, BOB, FixtureApiServer.redirectPath(302));
      }
      String sent = server.requests().get(i).header("Audit-ID");
      assertThat(sent).as("Audit-ID of request %d", i).isNotBlank();
      assertThat(events.subList(from, events.size())).as("events of request %d", i).hasSize(2)
          .allSatisfy(e -> assertThat(e.auditId()).isEqualTo(sent));
      ids.add(sent);
    }
    assertThat(ids).doesNotHaveDuplicates();
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Asserts {@code x} is kube-apiserver's Forbidden: 403 with a v1 Status, reason Forbidden. */
  private static JsonNode assertForbiddenStatus(String what, Exchange x) {
    assertThat(x.status()).as("status for %s: %s", what, x.body()).isEqualTo(403);
    JsonNode status;
    try {
      status = JSON.readTree(x.body());
    } catch (IOException e) {
      throw new AssertionError("the 403 for " + what + " is no JSON Status: " + x.body(), e);
    }
    assertThat(status.path("kind").asText()).as("kind for %s", what).isEqualTo("Status");
    assertThat(status.path("apiVersion").asText()).as("apiVersion for %s", what).isEqualTo("v1");
    assertThat(status.path("reason").asText()).as("reason for %s", what).isEqualTo("Forbidden");
    return status;
  }

  /** A ConfigMap create body of exactly {@code size} bytes. */
  private static byte[] configMapOfSize(int size) {
    String head = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"blob\":\"";
    String tail = "\"}}";
    return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
  }
}

package dev.kubeguard.opa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Decision.Effect;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpaPolicyEngineTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  // A cold JVM's first HTTP call can take longer than the 250 ms default on a loaded machine;
  // only the tests about timeouts set a short one.
  private static final Duration PATIENT = Duration.ofSeconds(5);

  private FakeOpa opa;
  private OpaPolicyEngine engine;

  @BeforeEach
  void startOpa() throws IOException {
    opa = new FakeOpa();
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT).timeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stopOpa() {
    opa.close();
  }

  private Decision answering(String json) {
    opa.answer(200, json);
    return engine.decide(Requests.createDeployment());
  }

  @Test
  void postsTheSubjectAccessReviewInputToTheDataPath() throws IOException {
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT).bearerToken("opa-token").build();
    opa.answer(200, "{\"result\": true}");

    engine.decide(Requests.createDeployment());

    FakeOpa.Received r = opa.received().get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v1/data/kubeguard/decision");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("Authorization")).isEqualTo("Bearer opa-token");
    assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("""
        {"input": {
          "apiVersion": "authorization.k8s.io/v1",
          "kind": "SubjectAccessReview",
          "spec": {
            "resourceAttributes": {"namespace": "prod-web", "verb": "create", "group": "apps",
                                   "version": "v1", "resource": "deployments"},
            "user": "alice@example.com",
            "groups": ["developers", "system:authenticated"],
            "extra": {"scopes": ["read", "write"]},
            "uid": "u-123"
          },
          "request": {
            "method": "POST",
            "path": "/apis/apps/v1/namespaces/prod-web/deployments",
            "rawQuery": "fieldManager=kubectl&dryRun=All",
            "query": {"fieldManager": ["kubectl"], "dryRun": ["All"]},
            "headers": {"content-type": ["application/json"], "user-agent": ["kubectl/v1.28.7"]},
            "bodyBytes": 47,
            "bodyTruncated": false,
            "body": {"kind": "Deployment", "metadata": {"name": "web"}}
          },
          "context": {"tool": "kubectl_apply", "sessionId": "sess-1", "correlationId": "corr-9",
                      "issuer": "https://issuer.example", "dryRun": true, "time": "2026-11-27T10:15:30Z"}
        }}"""));
  }

  @Test
  void leavesOutRequestAndAuthorizationForAnAttributesOnlyQuestionWithoutToken() throws IOException {
    opa.answer(200, "{\"result\": true}");

    engine.decide(Requests.listPods("bob", ""));

    FakeOpa.Received r = opa.received().get(0);
    assertThat(r.header("Authorization")).isNull();
    assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("""
        {"input": {
          "apiVersion": "authorization.k8s.io/v1",
          "kind": "SubjectAccessReview",
          "spec": {"resourceAttributes": {"verb": "list", "version": "v1", "resource": "pods"},
                   "user": "bob", "groups": ["developers"]},
          "context": {"tool": "", "sessionId": "", "correlationId": "", "issuer": "", "dryRun": false,
                      "time": "2026-11-27T10:15:30Z"}
        }}"""));
  }

  @Test
  void allowsWhenTheResultIsTrue() {
    Decision d = answering("{\"result\": true}");

    assertThat(d.effect()).isEqualTo(Effect.ALLOW);
    assertThat(d.ruleId()).isEqualTo("opa:kubeguard/decision");
    assertThat(d.annotations()).containsEntry(OpaPolicyEngine.ANNOTATION_PATH, "kubeguard/decision");
  }

  @Test
  void deniesWhenTheResultIsFalse() {
    assertThat(answering("{\"result\": false}").effect()).isEqualTo(Effect.DENY);
  }

  @Test
  void allowsAnObjectWithAllowTrueAndCarriesItsObligations() {
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT)
        .knownMaskingProfiles(Set.of("default", "none", "strict")).build();
    Decision d = answering("""
        {"result": {"allow": true, "reasons": ["developers may read"], "audit_level": "RequestResponse",
                    "masking_profile": "strict"},
         "decision_id": "4ca636c1-55e4-417a-b1d8-4aceb67960d1"}""");

    assertThat(d.effect()).isEqualTo(Effect.ALLOW);
    assertThat(d.reason()).isEqualTo("developers may read");
    assertThat(d.obligations().auditLevel()).isEqualTo(AuditLevel.REQUEST_RESPONSE);
    assertThat(d.obligations().maskingProfile()).isEqualTo("strict");
    assertThat(d.annotations())
        .containsEntry(OpaPolicyEngine.ANNOTATION_DECISION_ID, "4ca636c1-55e4-417a-b1d8-4aceb67960d1");
  }

  @Test
  void denyTrueWinsOverAllowAndApproval() {
    Decision d = answering("""
        {"result": {"allow": true, "deny": true, "reasons": "exec is reserved for break-glass",
                    "require_approval": true}}""");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).isEqualTo("exec is reserved for break-glass");
  }

  @Test
  void deniesWithTheReasonsOfADenySet() {
    Decision d = answering("""
        {"result": {"allow": true, "deny": ["secrets are for cluster-admins", "no writes on Fridays"]}}""");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).isEqualTo("secrets are for cluster-admins; no writes on Fridays");
  }

  @Test
  void anEmptyDenySetDoesNotDeny() {
    assertThat(answering("{\"result\": {\"allow\": true, \"deny\": []}}").effect()).isEqualTo(Effect.ALLOW);
  }

  @Test
  void requiresApprovalAsTheResultDescribesIt() {
    Decision d = answering("""
        {"result": {"allow": true, "reasons": ["deletes in prod need a second pair of eyes"],
                    "require_approval": {"approver_groups": ["sre", "cluster-admins"], "count": 2,
                                         "ttl": "1h30m", "mode": "blocking"}}}""");

    assertThat(d.effect()).isEqualTo(Effect.REQUIRE_APPROVAL);
    assertThat(d.reason()).isEqualTo("deletes in prod need a second pair of eyes");
    var approval = d.obligations().approval();
    assertThat(approval.approverGroups()).containsExactly("sre", "cluster-admins");
    assertThat(approval.count()).isEqualTo(2);
    assertThat(approval.ttl()).isEqualTo(Duration.ofMinutes(90));
    assertThat(approval.mode()).isEqualTo(ApprovalMode.BLOCKING);
  }

  @Test
  void requireApprovalTrueTakesOneApproverWithTheDefaults() {
    Decision d = answering("{\"result\": {\"require_approval\": true}}");

    assertThat(d.effect()).isEqualTo(Effect.REQUIRE_APPROVAL);
    assertThat(d.obligations().approval().count()).isEqualTo(1);
    assertThat(d.obligations().approval().ttl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(d.obligations().approval().mode()).isEqualTo(ApprovalMode.REQUEST_THEN_RETRY);
  }

  @Test
  void acceptsATtlInSeconds() {
    Decision d = answering("{\"result\": {\"require_approval\": {\"ttl\": 600, \"mode\": \"request_then_retry\"}}}");

    assertThat(d.obligations().approval().ttl()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void deniesAnObjectThatDoesNotAllow() {
    Decision d = answering("{\"result\": {\"reasons\": []}}");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).isEqualTo("OPA policy did not allow this request");
  }

  @Test
  void deniesAMalformedApprovalCountAndSaysSo() {
    Decision d = answering("{\"result\": {\"allow\": true, \"require_approval\": {\"count\": \"x\"}}}");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("malformed").contains("require_approval.count").contains("\"x\"");
  }

  @Test
  void deniesAnUnknownAuditLevelAndSaysSo() {
    Decision d = answering("{\"result\": {\"allow\": true, \"audit_level\": \"Everything\"}}");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("audit_level").contains("Everything");
  }

  private static String review(String status) {
    return "{\"result\": {\"apiVersion\": \"authorization.k8s.io/v1\", \"kind\": \"SubjectAccessReview\","
        + " \"status\": " + status + "}}";
  }

  @Test
  void deniedAsAStringDenies() {
    // Go cannot decode "true" into the status' bool: kube-apiserver would not allow this either.
    Decision d = answering(review("{\"allowed\": true, \"denied\": \"true\"}"));

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("status.denied").contains("a string");
  }

  @Test
  void allowedAsAStringDenies() {
    Decision review = answering(review("{\"allowed\": \"true\"}"));
    Decision object = answering("{\"result\": {\"allow\": \"true\"}}");

    assertThat(review.effect()).isEqualTo(Effect.DENY);
    assertThat(review.reason()).contains("status.allowed").contains("a string");
    assertThat(object.effect()).isEqualTo(Effect.DENY);
    assertThat(object.reason()).contains("allow must be a JSON boolean").contains("a string");
  }

  @Test
  void allowedAsNumberDenies() {
    Decision review = answering(review("{\"allowed\": 1}"));
    Decision object = answering("{\"result\": {\"allow\": 1}}");

    assertThat(review.effect()).isEqualTo(Effect.DENY);
    assertThat(review.reason()).contains("status.allowed").contains("a number");
    assertThat(object.effect()).isEqualTo(Effect.DENY);
    assertThat(object.reason()).contains("allow").contains("a number");
  }

  @Test
  void aNullOrObjectDecisionFieldDeniesNamingItsTypeNotItsValue() {
    Decision nullDenied = answering(review("{\"allowed\": true, \"denied\": null}"));
    Decision objectDeny = answering("{\"result\": {\"allow\": true, \"deny\": {\"token\": \"s3cr3t\"}}}");
    Decision nullApproval = answering("{\"result\": {\"allow\": true, \"require_approval\": null}}");

    assertThat(nullDenied.effect()).isEqualTo(Effect.DENY);
    assertThat(nullDenied.reason()).contains("status.denied").contains("null");
    assertThat(objectDeny.effect()).isEqualTo(Effect.DENY);
    assertThat(objectDeny.reason()).contains("deny").contains("an object").doesNotContain("s3cr3t");
    assertThat(nullApproval.effect()).isEqualTo(Effect.DENY);
    assertThat(nullApproval.reason()).contains("require_approval");
  }

  @Test
  void deniedTrueWinsOverAllowedTrue() {
    Decision d = answering(review("{\"allowed\": true, \"denied\": true, \"reason\": \"kube-system is off limits\"}"));

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).startsWith("kube-system is off limits").contains("denied wins");
  }

  @Test
  void aReviewThatNeitherAllowsNorDeniesHasNoOpinionAndDenies() {
    Decision d = answering(review("{\"allowed\": false}"));

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("no opinion");
  }

  @Test
  void unknownMaskingProfileDeniesBeforeSending() {
    // A DENY from the engine is what keeps the Guard from sending: before, an unknown profile
    // allowed the write and the masker only withheld its response afterwards.
    Decision unknown = answering("{\"result\": {\"allow\": true, \"masking_profile\": \"strict\"}}");
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT)
        .knownMaskingProfiles(Set.of("default", "strict")).build();
    Decision known = answering("{\"result\": {\"allow\": true, \"masking_profile\": \"strict\"}}");
    Decision builtInDropped = answering("{\"result\": {\"allow\": true, \"masking_profile\": \"none\"}}");

    assertThat(unknown.effect()).isEqualTo(Effect.DENY);
    assertThat(unknown.reason()).contains("\"strict\"").contains("not a known masking profile")
        .contains("default, none").contains("knownMaskingProfiles");
    assertThat(known.effect()).isEqualTo(Effect.ALLOW);
    assertThat(known.obligations().maskingProfile()).isEqualTo("strict");
    assertThat(builtInDropped.effect()).isEqualTo(Effect.DENY);
    assertThat(builtInDropped.reason()).contains("\"none\"").contains("default, strict");
  }

  @Test
  void unknownAuditLevelDenies() {
    Decision wrongName = answering("{\"result\": {\"allow\": true, \"audit_level\": \"Verbose\"}}");
    Decision wrongType = answering("{\"result\": {\"allow\": true, \"audit_level\": 3}}");

    assertThat(wrongName.effect()).isEqualTo(Effect.DENY);
    assertThat(wrongName.reason()).contains("audit_level").contains("Verbose")
        .contains("None, Metadata, Request or RequestResponse");
    assertThat(wrongType.effect()).isEqualTo(Effect.DENY);
    assertThat(wrongType.reason()).contains("audit_level must be a string");
  }

  @Test
  void malformedApprovalRequirementDenies() {
    List<String> malformed = List.of(
        "\"yes\"",
        "{\"count\": -1}",
        "{\"count\": 0}",
        "{\"count\": 1.5}",
        "{\"approver_groups\": \"sre\"}",
        "{\"approver_groups\": [\"sre\", 7]}",
        "{\"ttl\": \"-5m\"}",
        "{\"ttl\": \"soon\"}",
        "{\"ttl\": 0}",
        "{\"ttl\": -60}",
        "{\"ttl\": true}",
        "{\"mode\": \"eventually\"}");
    for (String requirement : malformed) {
      Decision d = answering("{\"result\": {\"allow\": true, \"require_approval\": " + requirement + "}}");

      assertThat(d.effect()).as(requirement).isEqualTo(Effect.DENY);
      assertThat(d.reason()).as(requirement).contains("malformed").contains("require_approval");
    }
  }

  @Test
  void deniesAnUndefinedResult() {
    Decision d = answering("{}");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("undefined").contains("kubeguard/decision");
  }

  @Test
  void readsASubjectAccessReviewResultAsTheWebhookPolicyMeantIt() {
    Decision allowed = answering("""
        {"result": {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
                    "status": {"allowed": true, "reason": "namespace owner"}}}""");
    Decision denied = answering("""
        {"result": {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
                    "status": {"allowed": false, "denied": true, "reason": "kube-system is off limits"}}}""");

    assertThat(allowed.effect()).isEqualTo(Effect.ALLOW);
    assertThat(allowed.reason()).isEqualTo("namespace owner");
    assertThat(denied.effect()).isEqualTo(Effect.DENY);
    assertThat(denied.reason()).isEqualTo("kube-system is off limits");
  }

  @Test
  void deniesAServerErrorQuotingOpasErrorBody() {
    opa.answer(500, "{\"code\": \"internal_error\", \"message\": \"eval_conflict_error: complete rules must not produce multiple outputs\"}");

    Decision d = engine.decide(Requests.createDeployment());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("HTTP 500").contains("internal_error: eval_conflict_error");
  }

  @Test
  void deniesANotFoundAnswer() {
    opa.answer(404, "<html>not here</html>");

    Decision d = engine.decide(Requests.createDeployment());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("HTTP 404").doesNotContain("html");
  }

  @Test
  void deniesGarbage() {
    Decision d = answering("{\"result\": tru");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("not a JSON object");
  }

  @Test
  void deniesWhenOpaIsSlowerThanTheTimeout() {
    opa.hold(1_000);
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT).timeout(Duration.ofMillis(100)).build();
    opa.answer(200, "{\"result\": true}");

    Decision d = engine.decide(Requests.createDeployment());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("timed out").contains("100 ms");
  }

  @Test
  void deniesWhenOpaRefusesTheConnection() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    engine = OpaPolicyEngine.of(URI.create("http://127.0.0.1:" + closedPort + "/v1/data/kubeguard/decision"));

    Decision d = engine.decide(Requests.createDeployment());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("could not reach OPA at http://127.0.0.1:" + closedPort);
  }

  @Test
  void answersARepeatedQuestionFromTheCacheEvenAtAnotherTime() {
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT)
        .decisionCache(Duration.ofMinutes(1), 100).build();
    opa.answer(200, "{\"result\": true, \"decision_id\": \"d-1\"}");

    Decision first = engine.decide(Requests.createDeployment(Requests.TIME));
    Decision second = engine.decide(Requests.createDeployment(Requests.TIME.plusSeconds(3)));
    engine.decide(Requests.listPods("bob", "dev"));

    assertThat(opa.requestCount()).isEqualTo(2);
    assertThat(first.annotations()).doesNotContainKey(OpaPolicyEngine.ANNOTATION_CACHE);
    assertThat(second.effect()).isEqualTo(Effect.ALLOW);
    assertThat(second.annotations())
        .containsEntry(OpaPolicyEngine.ANNOTATION_CACHE, "hit")
        .containsEntry(OpaPolicyEngine.ANNOTATION_DECISION_ID, "d-1");
  }

  @Test
  void neverCachesAFailure() {
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT)
        .decisionCache(Duration.ofMinutes(1), 100).build();
    opa.answer(503, "");
    Decision failed = engine.decide(Requests.createDeployment());
    opa.answer(200, "{\"result\": true}");

    Decision recovered = engine.decide(Requests.createDeployment());

    assertThat(failed.effect()).isEqualTo(Effect.DENY);
    assertThat(recovered.effect()).isEqualTo(Effect.ALLOW);
    assertThat(opa.requestCount()).isEqualTo(2);
  }

  @Test
  void readsARotatingTokenOnEveryCallAndDeniesWhenItIsMissing() {
    AtomicInteger n = new AtomicInteger();
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT)
        .bearerToken(() -> n.incrementAndGet() <= 2 ? "token-" + n.get() : "").build();
    opa.answer(200, "{\"result\": true}");

    engine.decide(Requests.createDeployment());
    engine.decide(Requests.createDeployment());
    Decision third = engine.decide(Requests.createDeployment());

    assertThat(opa.received()).extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer token-1", "Bearer token-2");
    assertThat(third.effect()).isEqualTo(Effect.DENY);
    assertThat(third.reason()).contains("bearer token");
  }

  @Test
  void usesAPluggedInTransportWithTheConfiguredTimeout() {
    List<OpaRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    engine = OpaPolicyEngine.builder()
        .url(URI.create("https://opa.internal:8443/v1/data/kubeguard/decision"))
        .timeout(Duration.ofMillis(400))
        .transport(req -> {
          seen.add(req);
          return new OpaResponse(200, "{\"result\": {\"allow\": true}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        })
        .build();

    Decision d = engine.decide(Requests.createDeployment());

    assertThat(d.effect()).isEqualTo(Effect.ALLOW);
    assertThat(seen).singleElement().satisfies(req -> {
      assertThat(req.uri()).hasToString("https://opa.internal:8443/v1/data/kubeguard/decision");
      assertThat(req.timeout()).isEqualTo(Duration.ofMillis(400));
      assertThat(req.headers()).containsEntry("Content-Type", "application/json");
    });
  }

  @Test
  void deniesWhenAPluggedInTransportThrows() {
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT)
        .transport(req -> {
          throw new IllegalStateException("sdk not initialised");
        })
        .build();

    Decision d = engine.decide(Requests.createDeployment());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("sdk not initialised");
  }

  @Test
  void neverPrintsTheBearerToken() {
    engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision")).timeout(PATIENT).bearerToken("s3cr3t-opa-token").build();
    opa.answer(500, "{\"code\": \"unauthorized\", \"message\": \"missing token\"}");

    Decision d = engine.decide(Requests.createDeployment());

    assertThat(engine.toString()).doesNotContain("s3cr3t");
    assertThat(d.toString()).doesNotContain("s3cr3t");
    OpaRequest req = new OpaRequest(opa.url("x"), java.util.Map.of("Authorization", "Bearer s3cr3t-opa-token"),
        new byte[0], Duration.ofMillis(1));
    assertThat(req.toString()).doesNotContain("s3cr3t");
  }
}

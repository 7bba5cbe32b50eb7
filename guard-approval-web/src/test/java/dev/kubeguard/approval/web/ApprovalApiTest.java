package dev.kubeguard.approval.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.approval.kubernetes.MockCluster;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import dev.kubeguard.core.GuardedExchange;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSON API the CLI calls, over real HTTP against a mock cluster in CRUD mode. */
class ApprovalApiTest {

  private static final String API = ApprovalWeb.DEFAULT_BASE_PATH + "/api/approvals";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MockCluster cluster = new MockCluster();
  private Replica replica;
  private Http http;

  private void start(Replica r) {
    replica = r;
    http = new Http(r.server.url());
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (replica != null) {
      for (AuditEvent e : replica.events) {
        String all = e.toString();
        MockCluster.TOKENS.keySet().forEach(t -> assertThat(all).as("an audit event holds no token").doesNotContain(t));
      }
      replica.close();
    }
    cluster.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  private static String message(HttpResponse<String> r) throws Exception {
    return json(r).path("message").asText();
  }

  @Test
  void readingNeedsAProvenTokenWhoseUserMayListApprovals() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();

    HttpResponse<String> none = http.getJson(API, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(message(none)).contains("bearer token");
    assertThat(http.getJson(API + "/" + id, "not-a-token").statusCode()).isEqualTo(401);
    HttpResponse<String> dave = http.getJson(API, "dave-token");
    assertThat(dave.statusCode()).isEqualTo(403);
    assertThat(message(dave)).contains("dave may not see approvals").contains("\"list\"");
    assertThat(http.get(API, "Cookie", "kg_session=whatever").statusCode()).as("the API reads no cookie").isEqualTo(401);
  }

  @Test
  void theListAndOneApprovalAreViewsWithTheRecordsFieldNames() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    replica.writeView(id, "{\n  \"kind\": \"DeleteOptions\"\n}", "--- live\n+++ dry-run\n-replicas: 3\n", "");

    HttpResponse<String> list = http.getJson(API, "alice-token");
    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode items = json(list).path("items");
    assertThat(items).hasSize(1);
    JsonNode v = items.get(0);
    assertThat(v.path("id").asText()).isEqualTo(id);
    assertThat(v.path("namespace").asText()).isEqualTo("ops");
    assertThat(v.path("state").asText()).isEqualTo("PENDING");
    assertThat(v.path("requester").asText()).isEqualTo("bob");
    assertThat(v.path("requesterGroups").get(0).asText()).isEqualTo("developers");
    assertThat(v.path("verb").asText()).isEqualTo("delete");
    assertThat(v.path("apiGroup").asText()).isEqualTo("apps");
    assertThat(v.path("resource").asText()).isEqualTo("deployments");
    assertThat(v.path("objectNamespace").asText()).isEqualTo("prod");
    assertThat(v.path("objectName").asText()).isEqualTo("web");
    assertThat(v.path("method").asText()).isEqualTo("DELETE");
    assertThat(v.path("reason").asText()).isEqualTo("deleting in prod needs a human");
    assertThat(v.path("approverGroups").get(0).asText()).isEqualTo("sre");
    assertThat(v.path("approvalsNeeded").asInt()).isEqualTo(1);
    assertThat(Instant.parse(v.path("expiresAt").asText())).isAfter(Instant.parse(v.path("requestedAt").asText()));
    assertThat(v.path("maskedBody").asText()).contains("DeleteOptions");
    assertThat(v.path("diff").asText()).contains("-replicas: 3");
    assertThat(v.path("diffNote").asText()).isEmpty();
    assertThat(v.path("answerUrl").isTextual()).isTrue();
    assertThat(v.path("answers").isArray()).isTrue();
    List<String> fields = List.of("id", "namespace", "state", "requester", "requesterGroups", "verb", "apiGroup", "resource",
        "subresource", "objectNamespace", "objectName", "method", "path", "reason", "approverGroups", "approvalsNeeded",
        "requestedAt", "expiresAt", "maskedBody", "diff", "diffNote", "answerUrl", "answers");
    assertThat(v.fieldNames()).toIterable().containsExactlyElementsOf(fields);

    HttpResponse<String> one = http.getJson(API + "/" + id, "carol-token");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one)).isEqualTo(v);
  }

  @Test
  void anUnknownIdIs404AndAMalformedOneIs400() throws Exception {
    start(new Replica(cluster));
    HttpResponse<String> unknown = http.getJson(API + "/apr-0000000000000000-1", "alice-token");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(message(unknown)).contains("no approval apr-0000000000000000-1 in namespace ops");
    assertThat(http.getJson(API + "/Not_An_Id", "alice-token").statusCode()).isEqualTo(400);
    assertThat(http.postJson(API + "/apr-0000000000000000-1/approve", "alice-token", "{}").statusCode()).isEqualTo(404);
    assertThat(http.getJson(API + "/x/y/z", "alice-token").statusCode()).isEqualTo(404);
    assertThat(http.postJson(API, "alice-token", "{}").statusCode()).isEqualTo(405);
  }

  @Test
  void anApproversApprovalLetsTheHeldRequestPassOnTheRetryAndIsAudited() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    assertThat(replica.delete().allowed()).isFalse();

    HttpResponse<String> r = http.postJson(API + "/" + id + "/approve", "alice-token", "{\"comment\":\"ship it\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("id").asText()).isEqualTo(id);
    assertThat(body.path("state").asText()).isEqualTo("APPROVED");
    assertThat(body.path("answeredBy").asText()).isEqualTo("alice");

    MockCluster.await("the informer sees the answer", () -> replica.state(id) == PendingApproval.State.APPROVED);
    assertThat(replica.delete().allowed()).isTrue();
    assertThat(replica.events).singleElement().satisfies(e -> {
      assertThat(e.user().user()).isEqualTo("alice");
      assertThat(e.verb()).isEqualTo("approve");
      assertThat(e.objectRef().resource()).isEqualTo("approvalrequests");
      assertThat(e.objectRef().namespace()).isEqualTo("ops");
      assertThat(e.objectRef().name()).isEqualTo(id);
      assertThat(e.responseStatus().code()).isEqualTo(200);
      assertThat(e.annotations()).containsEntry("kubeguard.dev/approval-id", id)
          .containsEntry("kubeguard.dev/decision", "allow")
          .containsEntry("kubeguard.dev/answer", "approve")
          .containsEntry("kubeguard.dev/answer-outcome", "accepted")
          .containsEntry("kubeguard.dev/answer-comment", "ship it")
          .containsEntry("kubeguard.dev/answer-surface", "api")
          .containsEntry("kubeguard.dev/approvers", "alice");
    });
  }

  @Test
  void aDenialNeedsAReasonAndTheRetryIsRefusedWithIt() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();

    HttpResponse<String> bare = http.postJson(API + "/" + id + "/deny", "alice-token", "{}");
    assertThat(bare.statusCode()).isEqualTo(400);
    assertThat(message(bare)).contains("a denial needs a reason");

    HttpResponse<String> r = http.postJson(API + "/" + id + "/deny", "alice-token", "{\"reason\":\"change freeze\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("state").asText()).isEqualTo("DENIED");
    MockCluster.await("the informer sees the denial", () -> replica.state(id) == PendingApproval.State.DENIED);
    GuardedExchange retry = replica.delete();
    assertThat(retry.allowed()).isFalse();
    assertThat(retry.message()).contains("denied: change freeze");
    assertThat(replica.events).extracting(e -> e.annotations().get("kubeguard.dev/answer-outcome")).containsExactly("refused", "accepted");
  }

  @Test
  void anAnswerFromSomeoneWhoMayNotApproveIs403SaysWhyChangesNothingAndIsAudited() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();

    HttpResponse<String> mallory = http.postJson(API + "/" + id + "/approve", "mallory-token", "{}");
    assertThat(mallory.statusCode()).isEqualTo(403);
    assertThat(message(mallory)).contains("mallory may not approve: the API server denies verb \"approve\"");
    HttpResponse<String> eve = http.postJson(API + "/" + id + "/approve", "eve-token", "{}");
    assertThat(eve.statusCode()).isEqualTo(403);
    assertThat(message(eve)).contains("eve is not in an approver group");
    HttpResponse<String> bob = http.postJson(API + "/" + id + "/approve", "bob-token", "{}");
    assertThat(bob.statusCode()).isEqualTo(403);
    assertThat(message(bob)).contains("cannot approve their own request");

    assertThat(replica.state(id)).isEqualTo(PendingApproval.State.PENDING);
    assertThat(replica.delete().allowed()).isFalse();
    assertThat(replica.events).extracting(e -> e.user().user()).containsExactly("mallory", "eve", "bob");
    assertThat(replica.events).allSatisfy(e -> {
      assertThat(e.responseStatus().code()).isEqualTo(403);
      assertThat(e.annotations()).containsEntry("kubeguard.dev/answer-outcome", "refused")
          .containsEntry("kubeguard.dev/decision", "deny").doesNotContainKey("kubeguard.dev/approvers");
    });
  }

  @Test
  void anAnswerToADecidedApprovalIs409() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    assertThat(http.postJson(API + "/" + id + "/approve", "alice-token", "").statusCode()).isEqualTo(200);
    MockCluster.await("the informer sees the answer", () -> replica.state(id) == PendingApproval.State.APPROVED);

    HttpResponse<String> again = http.postJson(API + "/" + id + "/deny", "carol-token", "{\"reason\":\"too late\"}");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(message(again)).contains("no longer pending").contains("APPROVED");
  }

  @Test
  void malformedAnswerBodiesAre400AndAnswerNothing() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    String approve = API + "/" + id + "/approve";
    assertThat(message(http.postJson(approve, "alice-token", "not json"))).contains("not JSON");
    assertThat(message(http.postJson(approve, "alice-token", "[\"ok\"]"))).contains("must be a JSON object");
    assertThat(message(http.postJson(approve, "alice-token", "{\"reason\":\"x\"}"))).contains("unknown field \"reason\"");
    assertThat(message(http.postJson(approve, "alice-token", "{\"comment\":42}"))).contains("must be a string");
    assertThat(message(http.postJson(approve, "alice-token", "{\"comment\":\"" + "x".repeat(2000) + "\"}"))).contains("longer than 1024");
    assertThat(message(http.postJson(approve, "alice-token", "{\"comment\":\"" + "x".repeat(20_000) + "\"}"))).contains("larger than 16384 bytes");
    for (String body : List.of("not json", "[1]")) {
      assertThat(http.postJson(approve, "alice-token", body).statusCode()).isEqualTo(400);
    }
    assertThat(replica.state(id)).isEqualTo(PendingApproval.State.PENDING);
    assertThat(replica.events).hasSize(8).allSatisfy(e -> assertThat(e.responseStatus().code()).isEqualTo(400));
  }

  @Test
  void anAnswerWithoutAProvenTokenIs401AndAuditedAsAnonymous() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    HttpResponse<String> r = http.postJson(API + "/" + id + "/approve", "forged-token", "{}");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(message(r)).contains("did not authenticate").doesNotContain("forged-token");
    assertThat(replica.events).singleElement().satisfies(e -> {
      assertThat(e.user().user()).isEqualTo("system:anonymous");
      assertThat(e.responseStatus().code()).isEqualTo(401);
      assertThat(e.toString()).doesNotContain("forged-token");
    });
  }

  @Test
  void anAnswerWhoseAuditEventCannotBeRecordedSaysSo() throws Exception {
    UnaryOperator<Recorder> broken = ok -> e -> {
      throw new RecordingException("the audit disk is full");
    };
    start(new Replica(cluster, "deleting in prod needs a human", null, broken));
    String id = replica.held();
    HttpResponse<String> r = http.postJson(API + "/" + id + "/approve", "alice-token", "{}");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(message(r)).contains("the answer was given, but its audit event could not be recorded");
  }
}

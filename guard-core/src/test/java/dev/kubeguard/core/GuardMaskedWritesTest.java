package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.spi.PolicyEngine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A client that reads a masked object and writes it back whole would store the Guard's tokens in
 * place of the real values: such writes are refused before they are sent, as kube-apiserver
 * refuses an invalid object (422), and recorded once.
 */
class GuardMaskedWritesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final String SECRET = "/api/v1/namespaces/shop/secrets/db-creds";
  private static final String STORED =
      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db-creds\",\"namespace\":\"shop\","
          + "\"resourceVersion\":\"41\"},\"type\":\"Opaque\",\"data\":{\"password\":\"aHVudGVyMg==\",\"user\":\"YWRtaW4=\"}}";

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  private Guard.Builder guard(PolicyEngine policy) {
    return Guard.builder().policy(policy).recorder(events::add);
  }

  private static PolicyEngine allowAll() {
    return q -> Decision.allow("writes", "ok").withObligations(new Obligations(AuditLevel.REQUEST_RESPONSE, "default", null));
  }

  /** What the caller reads of the stored Secret through {@code guard}: masked by its masker. */
  private static String readThrough(Guard guard) throws Exception {
    GuardedExchange x = guard.begin(BOB, KubeRequest.of("GET", SECRET), CallContext.now());
    StringBuilder out = new StringBuilder();
    GuardedExchange.Reply.Pass pass = (GuardedExchange.Reply.Pass) x.respond(200, "application/json", null, false,
        c -> out.append(StandardCharsets.UTF_8.decode(c)));
    pass.body().write(ByteBuffer.wrap(STORED.getBytes(StandardCharsets.UTF_8)));
    pass.body().finish();
    return out.toString().trim();
  }

  private static KubeRequest put(String body) {
    return KubeRequest.of("PUT", SECRET, Map.of("Content-Type", List.of("application/json")), body.getBytes(StandardCharsets.UTF_8));
  }

  private static String withLabel(String object) throws Exception {
    JsonNode n = JSON.readTree(object);
    ((ObjectNode) n.path("metadata")).putObject("labels").put("tier", "db");
    return JSON.writeValueAsString(n);
  }

  @Test
  void aSecretReadThroughTheGuardAndUpdatedWholeIsRefusedWith422NamingTheMaskedFields() throws Exception {
    Guard g = guard(allowAll()).build();
    String read = readThrough(g);
    assertThat(read).doesNotContain("aHVudGVyMg==");
    events.clear();

    GuardedExchange x = g.begin(BOB, put(withLabel(read)), CallContext.now());

    assertThat(x.denied()).isTrue();
    assertThat(x.statusCode()).isEqualTo(422);
    JsonNode status = JSON.readTree(x.statusBody());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("status").asText()).isEqualTo("Failure");
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("code").asInt()).isEqualTo(422);
    assertThat(status.path("details").path("name").asText()).isEqualTo("db-creds");
    assertThat(status.path("details").path("causes").findValuesAsText("field")).containsExactly("data.password", "data.user");
    assertThat(status.path("message").asText())
        .startsWith("secrets \"db-creds\" is invalid: [data.password, data.user]: kubeguard:")
        .contains("masked").contains("patch").contains("kubectl patch").contains(".edit()");
    assertThat(x.message()).isEqualTo(status.path("message").asText());
  }

  @Test
  void theRefusalIsOneRecordedEventWithTheStatusTheCallerSaw() throws Exception {
    Guard g = guard(allowAll()).build();
    String read = readThrough(g);
    events.clear();

    GuardedExchange x = g.begin(BOB, put(read), CallContext.now());

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.auditId()).isEqualTo(x.auditId());
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().code()).isEqualTo(422);
      assertThat(e.responseStatus().reason()).isEqualTo("Invalid");
      assertThat(e.responseStatus().message()).isEqualTo(x.message());
      assertThat(e.annotations()).containsEntry("kubeguard.dev/decision", "deny");
    });
  }

  @Test
  void aWriteHeldForApprovalIsRefusedBeforeAnyApproverIsAsked() throws Exception {
    List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();
    Guard g = guard(q -> q.request().method().equals("GET") ? Decision.allow()
            : Decision.requireApproval("secret-writes", "needs a second pair of eyes", ApprovalRequirement.of("sre-leads")))
        .approver(r -> {
          asked.add(r);
          return new CompletableFuture<>();
        }).build();
    String read = readThrough(g);

    GuardedExchange x = g.begin(BOB, put(read), CallContext.now());

    assertThat(x.statusCode()).isEqualTo(422);
    assertThat(asked).isEmpty();
  }

  @Test
  void aWriteThePolicyDeniesStaysAForbidden() throws Exception {
    Guard reads = guard(allowAll()).build();
    String read = readThrough(reads);
    Guard g = guard(q -> Decision.deny("no-secret-writes", "secrets are read-only")).build();

    GuardedExchange x = g.begin(BOB, put(read), CallContext.now());

    assertThat(x.statusCode()).isEqualTo(403);
    assertThat(x.message()).contains("no-secret-writes");
  }

  @Test
  void writesWithoutMaskedValuesAndPatchesOfOnlyTheChangedFieldsPass() throws Exception {
    Guard g = guard(allowAll()).build();
    readThrough(g);
    KubeRequest labelOnly = KubeRequest.of("PATCH", SECRET, Map.of("Content-Type", List.of("application/merge-patch+json")),
        "{\"metadata\":{\"labels\":{\"tier\":\"db\"}}}".getBytes(StandardCharsets.UTF_8));

    assertThat(g.begin(BOB, put(withLabel(STORED)), CallContext.now()).allowed()).isTrue();
    assertThat(g.begin(BOB, labelOnly, CallContext.now()).allowed()).isTrue();
  }

  @Test
  void theCheckCanBeTurnedOffForCallersThatMeanToStoreTokens() throws Exception {
    Guard g = guard(allowAll()).refuseWritesOfMaskedValues(false).build();
    String read = readThrough(g);

    assertThat(g.begin(BOB, put(read), CallContext.now()).allowed()).isTrue();
  }
}

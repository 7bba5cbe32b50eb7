package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.AccessRequest;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class GuardedExchangeTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final CallContext TOOL = CallContext.forTool("get_secret", "session-7");
  private static final KubeRequest GET_SECRET = KubeRequest.of("GET", "/api/v1/namespaces/shop/secrets/db-creds",
      Map.of("Accept", List.of("application/vnd.kubernetes.protobuf"), "Accept-Encoding", List.of("gzip")), null);
  private static final KubeRequest EXEC = KubeRequest.of("GET", "/api/v1/namespaces/shop/pods/web/exec?command=sh",
      Map.of("Upgrade", List.of("websocket"), "Connection", List.of("Upgrade")), null);

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();

  private Guard guard(PolicyEngine policy) {
    return Guard.builder().policy(q -> {
      asked.add(q);
      return policy.decide(q);
    }).recorder(events::add).maxRequestBodyBytes(1024).build();
  }

  private static PolicyEngine allowWith(String profile) {
    return q -> Decision.allow("r", "ok").withObligations(new Obligations(AuditLevel.REQUEST_RESPONSE, profile, null));
  }

  @Test
  void maskedExchangeAsksForJsonDropsCallerCompressionAndSendsItsAuditId() {
    GuardedExchange x = guard(allowWith("default")).begin(BOB, GET_SECRET, TOOL);

    assertThat(x.allowed()).isTrue();
    assertThat(x.headersToSet()).containsEntry(GuardedExchange.AUDIT_ID, x.auditId()).containsEntry("Accept", "application/json");
    assertThat(x.headersToDrop()).containsExactly("Accept-Encoding");
  }

  @Test
  void unmaskedExchangeChangesNothingButTheAuditId() {
    GuardedExchange x = guard(allowWith("none")).begin(BOB, GET_SECRET, TOOL);

    assertThat(x.headersToSet()).containsOnlyKeys(GuardedExchange.AUDIT_ID);
    assertThat(x.headersToDrop()).isEmpty();
  }

  @Test
  void deniedExchangeCarriesTheStatusAndHasNoResponse() {
    GuardedExchange x = guard(q -> Decision.deny("no", "not today")).begin(BOB, GET_SECRET, TOOL);

    assertThat(x.denied()).isTrue();
    assertThat(x.statusCode()).isEqualTo(403);
    assertThat(new String(x.statusBody(), StandardCharsets.UTF_8)).contains("\"reason\":\"Forbidden\"").contains("not today");
    assertThat(x.headersToSet()).isEmpty();
    assertThatThrownBy(() -> x.respond(200, "application/json", null, false, c -> {})).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unreadableBodyIsWithheldAndTheTrailRecordsTheSame500TheCallerSees() {
    GuardedExchange x = guard(allowWith("default")).begin(BOB, GET_SECRET, TOOL);

    GuardedExchange.Reply reply = x.respond(200, "application/vnd.kubernetes.protobuf", null, false, c -> {});

    assertThat(reply).isInstanceOfSatisfying(GuardedExchange.Reply.Withhold.class, w -> {
      assertThat(w.code()).isEqualTo(500);
      assertThat(new String(w.body(), StandardCharsets.UTF_8)).contains("InternalError").contains("withheld");
    });
    assertThat(events).last().satisfies(e -> {
      assertThat(e.auditId()).isEqualTo(x.auditId());
      assertThat(e.responseStatus().code()).isEqualTo(500);
    });
  }

  @Test
  void passedBodyIsMaskedAndRecordedWithTheCodeTheCallerSaw() throws Exception {
    GuardedExchange x = guard(allowWith("default")).begin(BOB, GET_SECRET, TOOL);
    StringBuilder out = new StringBuilder();

    GuardedExchange.Reply reply = x.respond(200, "application/json", null, false,
        c -> out.append(StandardCharsets.UTF_8.decode(c)));
    ResponseStream body = ((GuardedExchange.Reply.Pass) reply).body();
    body.write(ByteBuffer.wrap("{\"kind\":\"Secret\",\"data\":{\"password\":\"czNjcjN0\"}}".getBytes(StandardCharsets.UTF_8)));
    body.finish();

    assertThat(out).doesNotContain("czNjcjN0");
    assertThat(events).extracting(AuditEvent::stage).containsExactly(AuditEvent.Stage.RequestReceived, AuditEvent.Stage.ResponseComplete);
    assertThat(events).last().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(200));
  }

  @Test
  void oversizedBodyIsOneDenialEventAndThePolicyIsNeverAsked() {
    KubeRequest big = KubeRequest.of("POST", "/api/v1/namespaces/shop/configmaps",
        Map.of("Content-Type", List.of("application/json")), new byte[1025]);

    GuardedExchange x = guard(allowWith("default")).begin(BOB, big, TOOL);

    assertThat(x.denied()).isTrue();
    assertThat(x.message()).contains("exceeds the guard's limit of 1024 bytes");
    assertThat(asked).isEmpty();
    assertThat(events).singleElement().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(403));
  }

  @Test
  void dotSegmentIsRefusedBeforeThePolicyAsOneDenialKeepingToolAndSession() {
    GuardedExchange x = guard(allowWith("default"))
        .begin(BOB, KubeRequest.of("GET", "/api/v1/namespaces/shop/pods/x/../../../kube-system/secrets/db"), TOOL);

    assertThat(x.denied()).isTrue();
    assertThat(asked).isEmpty();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.responseStatus().code()).isEqualTo(403);
      assertThat(e.annotations()).containsEntry("kubeguard.dev/tool", "get_secret").containsEntry("kubeguard.dev/session", "session-7");
    });
  }

  @Test
  void refusalByTheAdapterIsRecordedWithTheCallersToolAndSession() {
    GuardedExchange x = guard(allowWith("default")).refuse(BOB, GET_SECRET, TOOL, "a duplex body cannot be judged");

    assertThat(x.denied()).isTrue();
    assertThat(x.message()).contains("a duplex body cannot be judged");
    assertThat(events).singleElement().satisfies(e ->
        assertThat(e.annotations()).containsEntry("kubeguard.dev/tool", "get_secret"));
  }

  @Test
  void webSocketWatchUnderMaskingIsOneDenialWhileItsUnmaskedTwinPasses() {
    KubeRequest watch = KubeRequest.of("GET", "/api/v1/namespaces/shop/secrets?watch=true", Map.of("Upgrade", List.of("websocket")), null);

    GuardedExchange masked = guard(allowWith("default")).begin(BOB, watch, TOOL);
    assertThat(masked.denied()).isTrue();
    assertThat(masked.message()).contains("cannot be masked");
    assertThat(events).singleElement().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(403));

    assertThat(guard(allowWith("none")).begin(BOB, watch, TOOL).allowed()).isTrue();
  }

  @Test
  void execSessionIsRecordedAsStartedAtTheHandshakeAndCompleteAtItsEndUnderOneAuditId() {
    GuardedExchange x = guard(allowWith("default")).begin(BOB, EXEC, TOOL);
    assertThat(x.allowed()).isTrue();
    assertThat(x.headersToSet()).doesNotContainKey("Accept");

    assertThat(x.respond(101, null, null, true, c -> {})).isInstanceOf(GuardedExchange.Reply.Pass.class);
    x.sessionEnded(1000, "done");

    assertThat(events).extracting(AuditEvent::stage).containsExactly(
        AuditEvent.Stage.RequestReceived, AuditEvent.Stage.ResponseStarted, AuditEvent.Stage.ResponseComplete);
    assertThat(events).extracting(AuditEvent::auditId).containsOnly(x.auditId());
    assertThat(events).last().satisfies(e -> assertThat(e.annotations()).containsEntry("kubeguard.dev/session-close-code", "1000"));
  }

  @Test
  void profileTheMaskerDoesNotKnowIsDeniedBeforeTheWriteIsSent() {
    KubeRequest write = KubeRequest.of("POST", "/api/v1/namespaces/shop/configmaps",
        Map.of("Content-Type", List.of("application/json")), "{\"kind\":\"ConfigMap\"}".getBytes(StandardCharsets.UTF_8));

    GuardedExchange x = guard(allowWith("strict")).begin(BOB, write, TOOL);

    assertThat(x.denied()).isTrue();
    assertThat(x.message()).contains("masking profile 'strict'").contains("does not know");
    assertThat(events).singleElement().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(403));
  }
}

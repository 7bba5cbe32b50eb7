package dev.kubeguard.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.RequestInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditEventsTest {

  private static final Instant AT = Instant.parse("2024-01-01T00:00:00Z");

  private static AccessRequest createConfigMap() {
    RequestInfo info =
        new RequestInfo(true, "/api/v1/namespaces/team-a/configmaps", "create", "api", "", "v1", "team-a",
            "configmaps", "", "", List.of("namespaces", "team-a", "configmaps"), "", "");
    KubeRequest req =
        KubeRequest.of("POST", "/api/v1/namespaces/team-a/configmaps", Map.of("User-Agent", List.of("mcp/1.0")), new byte[0]);
    return new AccessRequest(
        Identity.of("alice", "dev"), req, info, Attributes.of(info), false,
        new CallContext("kubectl_apply", "sess-9", "corr-1", AT));
  }

  private static Decision allowAt(AuditLevel level) {
    return Decision.allow("cm-writers", "dev may write configmaps")
        .withObligations(Obligations.defaults().withAuditLevel(level));
  }

  private static AuditEvents.Builder builder(AuditLevel level) {
    return AuditEvents.forRequest(createConfigMap(), allowAt(level))
        .auditId("id-1")
        .requestBody("{\"kind\":\"ConfigMap\"}")
        .responseBody("{\"kind\":\"ConfigMap\",\"metadata\":{\"uid\":\"x\"}}")
        .stageTimestamp(AT);
  }

  @Test
  void levelNoneProducesNoEvent() {
    assertThat(builder(AuditLevel.NONE).build()).isEmpty();
  }

  @Test
  void metadataLevelKeepsNoBodies() {
    AuditEvent e = builder(AuditLevel.METADATA).build().orElseThrow();
    assertThat(e.requestObject()).isNull();
    assertThat(e.responseObject()).isNull();
  }

  @Test
  void requestLevelKeepsOnlyTheRequestBody() {
    AuditEvent e = builder(AuditLevel.REQUEST).build().orElseThrow();
    assertThat(e.requestObject()).isEqualTo("{\"kind\":\"ConfigMap\"}");
    assertThat(e.responseObject()).isNull();
  }

  @Test
  void requestResponseLevelKeepsBothBodies() {
    AuditEvent e = builder(AuditLevel.REQUEST_RESPONSE).build().orElseThrow();
    assertThat(e.requestObject()).isNotNull();
    assertThat(e.responseObject()).contains("\"uid\"");
  }

  @Test
  void replacesAnOversizeBodyWithAValidJsonMarkerGivingItsSize() throws Exception {
    String big = "{\"data\":\"" + "x".repeat(200) + "\"}";
    AuditEvent e = builder(AuditLevel.REQUEST).requestBody(big).maxBodyBytes(100).build().orElseThrow();

    assertThat(new ObjectMapper().readTree(e.requestObject()).get("kubeguard.dev/truncated").asLong())
        .isEqualTo(big.length());
  }

  @Test
  void countsUtf8BytesNotCharsForTheCap() {
    String euros = "\"" + "€".repeat(40) + "\""; // 42 chars, 122 bytes
    assertThat(AuditEvents.capBody(euros, 100)).isEqualTo("{\"kubeguard.dev/truncated\":122}");
    assertThat(AuditEvents.capBody(euros, 122)).isEqualTo(euros);
  }

  @Test
  void carriesTheGuardsFactsAsKubeguardAnnotations() {
    AuditEvent e =
        AuditEvents.forRequest(createConfigMap(), allowAt(AuditLevel.METADATA).withAnnotations(Map.of("opa-decision-id", "d-7")))
            .auditId("id-1").maskedFields(3).approval("ap-42", List.of("carol", "dave"))
            .responseStatus(201, "Success", "", "")
            .build().orElseThrow();

    assertThat(e.annotations())
        .containsEntry("kubeguard.dev/decision", "allow")
        .containsEntry("kubeguard.dev/rule", "cm-writers")
        .containsEntry("kubeguard.dev/reason", "dev may write configmaps")
        .containsEntry("kubeguard.dev/approval-id", "ap-42")
        .containsEntry("kubeguard.dev/approvers", "carol,dave")
        .containsEntry("kubeguard.dev/tool", "kubectl_apply")
        .containsEntry("kubeguard.dev/session", "sess-9")
        .containsEntry("kubeguard.dev/correlation-id", "corr-1")
        .containsEntry("kubeguard.dev/masked-fields", "3")
        .containsEntry("kubeguard.dev/opa-decision-id", "d-7");
    assertThat(e.objectRef()).isEqualTo(new AuditEvent.ObjectReference("configmaps", "team-a", "", "", "", "v1", "", ""));
    assertThat(e.userAgent()).isEqualTo("mcp/1.0");
    assertThat(e.requestReceivedTimestamp()).isEqualTo(AT);
    assertThat(e.responseStatus().code()).isEqualTo(201);
  }

  @Test
  void carriesExactlyTheStandardAnnotationsWithValuesAndNoCustomOneReplacesThem() {
    AuditEvent plain = AuditEvents.forRequest(createConfigMap(), allowAt(AuditLevel.METADATA))
        .auditId("id-1").maskedFields(0).build().orElseThrow();
    AuditEvent custom = AuditEvents.forRequest(createConfigMap(),
            allowAt(AuditLevel.METADATA).withAnnotations(Map.of("rule", "forged", "note", "")))
        .auditId("id-1").annotate("decision", "deny").build().orElseThrow();

    assertThat(plain.annotations()).containsOnly(
        Map.entry("kubeguard.dev/decision", "allow"),
        Map.entry("kubeguard.dev/rule", "cm-writers"),
        Map.entry("kubeguard.dev/reason", "dev may write configmaps"),
        Map.entry("kubeguard.dev/tool", "kubectl_apply"),
        Map.entry("kubeguard.dev/session", "sess-9"),
        Map.entry("kubeguard.dev/correlation-id", "corr-1"),
        Map.entry("kubeguard.dev/masked-fields", "0"));
    assertThat(plain.annotations()).isUnmodifiable();
    assertThat(custom.annotations())
        .containsEntry("kubeguard.dev/decision", "allow")
        .containsEntry("kubeguard.dev/rule", "cm-writers")
        .containsEntry("kubeguard.dev/note", "")
        .doesNotContainKey("kubeguard.dev/masked-fields");
  }

  @Test
  void carriesEveryCombinationOfStandardAnnotationsExactly() {
    // 2^7 shapes: every count of standard annotations from 2 (decision and rule) to 9
    for (int bits = 0; bits < 1 << 7; bits++) {
      Map<String, String> expected = new java.util.HashMap<>();
      expected.put("kubeguard.dev/decision", "allow");
      expected.put("kubeguard.dev/rule", "cm-writers");
      String reason = (bits & 1) != 0 ? "dev may write configmaps" : "";
      String tool = (bits & 2) != 0 ? "kubectl_apply" : "";
      String session = (bits & 4) != 0 ? "sess-9" : "";
      String correlation = (bits & 8) != 0 ? "corr-1" : "";
      putIfNotEmpty(expected, "reason", reason);
      putIfNotEmpty(expected, "tool", tool);
      putIfNotEmpty(expected, "session", session);
      putIfNotEmpty(expected, "correlation-id", correlation);
      AccessRequest base = createConfigMap();
      AccessRequest request = new AccessRequest(base.identity(), base.request(), base.info(), base.attributes(),
          base.dryRun(), new CallContext(tool, session, correlation, AT));
      AuditEvents.Builder b = AuditEvents.forRequest(request, Decision.allow("cm-writers", reason)).auditId("id-" + bits);
      if ((bits & 16) != 0) {
        b.maskedFields(bits);
        expected.put("kubeguard.dev/masked-fields", Integer.toString(bits));
      }
      if ((bits & 32) != 0) {
        b.approval("ap-" + bits, (bits & 64) != 0 ? List.of("carol", "dave") : List.of());
        expected.put("kubeguard.dev/approval-id", "ap-" + bits);
        if ((bits & 64) != 0) {
          expected.put("kubeguard.dev/approvers", "carol,dave");
        }
      }
      Map<String, String> annotations = b.build().orElseThrow().annotations();
      assertThat(annotations).as("shape %s", Integer.toBinaryString(bits)).isEqualTo(expected);
      assertThat(annotations).isUnmodifiable();
    }
  }

  private static void putIfNotEmpty(Map<String, String> m, String key, String value) {
    if (!value.isEmpty()) {
      m.put("kubeguard.dev/" + key, value);
    }
  }

  @Test
  void namesRequireApprovalAsKebabCase() {
    assertThat(AuditEvents.decisionWord(Decision.Effect.REQUIRE_APPROVAL)).isEqualTo("require-approval");
    assertThat(AuditEvents.parseDecisionWord("require-approval")).isEqualTo(Decision.Effect.REQUIRE_APPROVAL);
  }

  @Test
  void nonResourceRequestsHaveNoObjectRefAndNoBodies() {
    AccessRequest healthz =
        AccessRequest.forAttributes(Identity.of("alice"), Attributes.nonResource("get", "/healthz"), CallContext.now());
    AuditEvent e =
        AuditEvents.forRequest(healthz, allowAt(AuditLevel.REQUEST_RESPONSE))
            .auditId("id-2").requestBody("{}").responseBody("{}").build().orElseThrow();

    assertThat(e.objectRef()).isNull();
    assertThat(e.requestObject()).isNull();
    assertThat(e.requestUri()).isEqualTo("/healthz");
  }

  @Test
  void refusesToBuildWithoutAnAuditId() {
    assertThatThrownBy(() -> AuditEvents.forRequest(createConfigMap(), allowAt(AuditLevel.METADATA)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Audit-ID");
  }
}

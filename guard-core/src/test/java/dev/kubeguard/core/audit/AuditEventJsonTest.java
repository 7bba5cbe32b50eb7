package dev.kubeguard.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditEventJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static AuditEvent fullEvent() {
    return new AuditEvent(
        AuditLevel.REQUEST_RESPONSE,
        "7f0c4a52-0a4e-4b0b-9d45-0a7d7e8f1a11",
        AuditEvent.Stage.ResponseComplete,
        "/api/v1/namespaces/team-a/configmaps?fieldManager=kubectl",
        "create",
        new Identity("alice", "u-1", List.of("dev", "system:authenticated"), Map.of("scopes", List.of("a", "b")), "https://issuer"),
        Identity.of("bob"),
        List.of("10.0.0.1", "192.168.1.2"),
        "kubectl/v1.28.7",
        new AuditEvent.ObjectReference("configmaps", "team-a", "cm", "", "", "v1", "", ""),
        new AuditEvent.ResponseStatus(201, "", "", ""),
        "{ \"kind\": \"ConfigMap\",\n \"data\": {\"k\": \"v\"} }",
        "{\"kind\":\"ConfigMap\"}",
        Instant.parse("2024-01-01T00:00:00.000001Z"),
        Instant.parse("2024-01-01T00:00:00.250Z"),
        Map.of("kubeguard.dev/decision", "allow", "kubeguard.dev/rule", "cm-writers"));
  }

  @Test
  void writesTheAuditK8sIoV1EventShapeKubeApiserverWrites() throws Exception {
    String expected =
        """
        {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse",
         "auditID":"7f0c4a52-0a4e-4b0b-9d45-0a7d7e8f1a11","stage":"ResponseComplete",
         "requestURI":"/api/v1/namespaces/team-a/configmaps?fieldManager=kubectl","verb":"create",
         "user":{"username":"alice","uid":"u-1","groups":["dev","system:authenticated"],"extra":{"scopes":["a","b"]}},
         "impersonatedUser":{"username":"bob"},
         "sourceIPs":["10.0.0.1","192.168.1.2"],"userAgent":"kubectl/v1.28.7",
         "objectRef":{"resource":"configmaps","namespace":"team-a","name":"cm","apiVersion":"v1"},
         "responseStatus":{"metadata":{},"code":201},
         "requestObject":{"kind":"ConfigMap","data":{"k":"v"}},
         "responseObject":{"kind":"ConfigMap"},
         "requestReceivedTimestamp":"2024-01-01T00:00:00.000001Z",
         "stageTimestamp":"2024-01-01T00:00:00.250000Z",
         "annotations":{"kubeguard.dev/decision":"allow","kubeguard.dev/rule":"cm-writers"}}
        """
            .replaceAll("\\n\\s*", "");

    assertThat(AuditEventJson.toJson(fullEvent())).isEqualTo(expected);
  }

  @Test
  void omitsEmptyOptionalFieldsAsGoOmitemptyDoes() throws Exception {
    AuditEvent minimal =
        new AuditEvent(
            AuditLevel.METADATA, "id-1", AuditEvent.Stage.ResponseComplete, "/healthz", "get",
            Identity.of("alice"), null, null, null, null, null, null, null,
            Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z"), null);

    JsonNode n = JSON.readTree(AuditEventJson.toJson(minimal));

    assertThat(n.fieldNames()).toIterable().containsExactly(
        "kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "user",
        "requestReceivedTimestamp", "stageTimestamp");
    assertThat(n.get("user").toString()).isEqualTo("{\"username\":\"alice\"}");
    assertThat(n.get("stageTimestamp").asText()).isEqualTo("2024-01-01T00:00:00.000000Z");
  }

  @Test
  void roundTripsEveryFieldKubernetesKeeps() {
    AuditEvent original = fullEvent();

    AuditEvent back = AuditEventJson.fromJson(AuditEventJson.toJson(original));

    AuditEvent expected =
        new AuditEvent(
            original.level(), original.auditId(), original.stage(), original.requestUri(), original.verb(),
            new Identity("alice", "u-1", original.user().groups(), original.user().extra(), ""),
            original.impersonatedUser(), original.sourceIps(), original.userAgent(), original.objectRef(),
            original.responseStatus(),
            "{\"kind\":\"ConfigMap\",\"data\":{\"k\":\"v\"}}", // re-encoded compactly, same JSON
            original.responseObject(), original.requestReceivedTimestamp(), original.stageTimestamp(),
            original.annotations());
    assertThat(back).isEqualTo(expected);
  }

  @Test
  void embedsABodyThatIsNotJsonAsAStringSoTheLineStaysValid() throws Exception {
    AuditEvent e = withRequestBody(fullEvent(), "not json {\n");

    String line = AuditEventJson.toJson(e);

    assertThat(line).doesNotContain("\n");
    assertThat(JSON.readTree(line).get("requestObject").asText()).isEqualTo("not json {\n");
    assertThat(AuditEventJson.fromJson(line).requestObject()).isEqualTo("not json {\n");
  }

  @Test
  void readsAnEventFromAClusterAuditLog() {
    String kube =
        "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"a1\","
            + "\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/default/pods?limit=500\","
            + "\"verb\":\"list\",\"user\":{\"username\":\"kubernetes-admin\",\"groups\":[\"system:masters\","
            + "\"system:authenticated\"]},\"sourceIPs\":[\"172.18.0.1\"],\"userAgent\":\"kubectl/v1.28.7\","
            + "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"apiVersion\":\"v1\"},"
            + "\"responseStatus\":{\"metadata\":{},\"code\":200},\"requestReceivedTimestamp\":"
            + "\"2024-03-01T10:00:00.123456Z\",\"stageTimestamp\":\"2024-03-01T10:00:00.130000Z\","
            + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\"}}";

    AuditEvent e = AuditEventJson.fromJson(kube);

    assertThat(e.user().groups()).containsExactly("system:masters", "system:authenticated");
    assertThat(e.objectRef().resource()).isEqualTo("pods");
    assertThat(e.responseStatus().code()).isEqualTo(200);
    assertThat(e.requestReceivedTimestamp()).isEqualTo(Instant.parse("2024-03-01T10:00:00.123456Z"));
    assertThat(AuditEventJson.toJson(e)).isEqualTo(kube);
  }

  @Test
  void rejectsJsonThatIsNotAnAuditEvent() {
    assertThatThrownBy(() -> AuditEventJson.fromJson("{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("audit.k8s.io/v1 Event");
  }

  private static AuditEvent withRequestBody(AuditEvent e, String body) {
    return new AuditEvent(
        e.level(), e.auditId(), e.stage(), e.requestUri(), e.verb(), e.user(), e.impersonatedUser(),
        e.sourceIps(), e.userAgent(), e.objectRef(), e.responseStatus(), body, e.responseObject(),
        e.requestReceivedTimestamp(), e.stageTimestamp(), e.annotations());
  }
}

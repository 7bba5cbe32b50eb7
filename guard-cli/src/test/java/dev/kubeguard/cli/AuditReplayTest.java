package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.api.spi.PolicyException;
import dev.kubeguard.core.audit.AuditEventJson;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditReplayTest {

  private static final java.time.Instant T0 = java.time.Instant.parse("2024-01-01T00:00:00.123456Z");

  @TempDir Path dir;

  private static AuditEvent recorded(String id, String verb, String uri, AuditEvent.ObjectReference ref, String decision) {
    return new AuditEvent(
        AuditLevel.METADATA, id, AuditEvent.Stage.ResponseComplete, uri, verb,
        new Identity("alice", "u1", List.of("dev"), Map.of("team", List.of("a")), ""), null, null, null, ref, null,
        null, null, T0, T0,
        Map.of("kubeguard.dev/decision", decision, "kubeguard.dev/tool", "kubectl_get"));
  }

  private Path recordSample() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (JsonlAuditRecorder r = JsonlAuditRecorder.builder().unkeyedForDevelopment().path(file).build()) {
      r.record(recorded("1", "get", "/api/v1/namespaces/a/secrets/db",
          new AuditEvent.ObjectReference("secrets", "a", "db", "", "", "v1", "", ""), "allow"));
      r.record(recorded("2", "list", "/api/v1/namespaces/a/pods",
          new AuditEvent.ObjectReference("pods", "a", "", "", "", "v1", "", ""), "allow"));
      r.record(recorded("3", "get", "/healthz?verbose=1", null, "deny"));
      r.record(recorded("4", "delete", "/apis/apps/v1/namespaces/a/deployments/web",
          new AuditEvent.ObjectReference("deployments", "a", "web", "", "apps", "v1", "", ""), "require-approval"));
    }
    return file;
  }

  @Test
  void saysWhatANewPolicyWouldDecideForEachRecordedRequest() throws Exception {
    Path file = recordSample();
    List<AccessRequest> asked = new ArrayList<>();
    PolicyEngine noSecretsButHealthz = req -> {
      asked.add(req);
      if (req.attributes().resource().equals("secrets")) {
        return Decision.deny("no-secrets", "secrets are off limits");
      }
      if (req.attributes().resource().equals("deployments")) {
        return Decision.deny("no-deletes", "no");
      }
      return Decision.allow("rest", "fine");
    };
    List<ReplayEntry> entries = new ArrayList<>();

    ReplayReport report = AuditReplay.replay(noSecretsButHealthz, List.of(file), entries::add);

    assertThat(report).isEqualTo(new ReplayReport(4, 1, 1, 1, 1, 0));
    assertThat(entries.get(0).recorded()).isEqualTo(Decision.Effect.ALLOW);
    assertThat(entries.get(0).replayed()).isEqualTo(Decision.Effect.DENY);
    assertThat(entries.get(0).rule()).isEqualTo("no-secrets");
    assertThat(entries.get(0).line()).isEqualTo(1);

    AccessRequest secret = asked.get(0);
    assertThat(secret.identity()).isEqualTo(new Identity("alice", "u1", List.of("dev"), Map.of("team", List.of("a")), ""));
    assertThat(secret.attributes().namespace()).isEqualTo("a");
    assertThat(secret.attributes().name()).isEqualTo("db");
    assertThat(secret.attributes().verb()).isEqualTo("get");
    assertThat(secret.context().tool()).isEqualTo("kubectl_get");
    AccessRequest healthz = asked.get(2);
    assertThat(healthz.attributes().isResourceRequest()).isFalse();
    assertThat(healthz.attributes().path()).isEqualTo("/healthz");
    assertThat(asked.get(3).attributes().apiGroup()).isEqualTo("apps");
  }

  @Test
  void countsAFailingPolicyAsADenial() throws Exception {
    Path file = recordSample();
    PolicyEngine broken = req -> {
      throw new PolicyException("rego compile error");
    };
    List<ReplayEntry> entries = new ArrayList<>();

    ReplayReport report = AuditReplay.replay(broken, List.of(file), entries::add);

    assertThat(report.allowedToDenied()).isEqualTo(2);
    assertThat(entries).allMatch(ReplayEntry::policyError);
    assertThat(entries.get(0).reason()).contains("rego compile error");
  }

  @Test
  void skipsLinesThatAreNotKubeguardDecisions() throws Exception {
    Path file = dir.resolve("mixed.jsonl");
    AuditEvent clusterEvent = new AuditEvent(
        AuditLevel.METADATA, "k1", AuditEvent.Stage.ResponseComplete, "/api", "get", Identity.of("admin"), null,
        null, null, null, null, null, null, T0, T0, Map.of());
    Files.write(file, List.of(AuditEventJson.toJson(clusterEvent), "not json"));

    ReplayReport report = AuditReplay.replay(req -> Decision.allow(), List.of(file));

    assertThat(report).isEqualTo(new ReplayReport(0, 0, 0, 0, 0, 2));
  }
}

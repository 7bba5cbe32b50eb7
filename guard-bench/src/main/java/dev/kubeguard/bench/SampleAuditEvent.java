package dev.kubeguard.bench;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The one audit event the recorder and sink benchmarks write: a Metadata-level pods/log read. */
final class SampleAuditEvent {

  private SampleAuditEvent() {}

  static AuditEvent of() {
    Instant t = Instant.parse("2024-01-01T00:00:00.123456Z");
    return new AuditEvent(
        AuditLevel.METADATA, "0f8fad5b-d9cb-469f-a165-70867728950e", AuditEvent.Stage.ResponseComplete,
        "/api/v1/namespaces/team-a/pods/web-7d4b9c6f5-x2x9q/log?container=app", "get",
        new Identity("alice@example.com", "u-1", List.of("dev", "system:authenticated"), Map.of(), ""), null,
        List.of("10.0.0.1"), "mcp-k8s/1.0",
        new AuditEvent.ObjectReference("pods", "team-a", "web-7d4b9c6f5-x2x9q", "", "", "v1", "", "log"),
        new AuditEvent.ResponseStatus(200, "Success", "", ""), null, null, t, t.plusMillis(4),
        Map.of(
            "kubeguard.dev/decision", "allow", "kubeguard.dev/rule", "dev-read-logs",
            "kubeguard.dev/reason", "dev may read logs in team-a", "kubeguard.dev/tool", "pods_log",
            "kubeguard.dev/session", "s-42", "kubeguard.dev/masked-fields", "0"));
  }
}

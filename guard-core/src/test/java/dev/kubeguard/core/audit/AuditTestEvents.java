package dev.kubeguard.core.audit;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample events for audit tests. */
final class AuditTestEvents {

  static final Instant T0 = Instant.parse("2024-01-01T00:00:00.123456Z");

  /** The chain key of every keyed test trail (fixed bytes, so failures reproduce). */
  static final ChainKey KEY = ChainKey.of("kubeguard-audit-test-key-32-bytes!".getBytes(StandardCharsets.US_ASCII));

  /** The default verification of a test trail: macs and sealed head under {@link #KEY}. */
  static final AuditVerifier.Options KEYED = AuditVerifier.Options.keyed(KEY);

  private AuditTestEvents() {}

  /** A Metadata-level "get secret" by alice, numbered {@code i} in its audit id and name. */
  static AuditEvent event(int i) {
    return new AuditEvent(
        AuditLevel.METADATA, "audit-" + i, AuditEvent.Stage.ResponseComplete,
        "/api/v1/namespaces/team-a/secrets/s" + i, "get",
        Identity.of("alice", "dev", "system:authenticated"), null, List.of("10.0.0.1"), "kubectl/v1.28.7",
        new AuditEvent.ObjectReference("secrets", "team-a", "s" + i, "", "", "v1", "", ""),
        new AuditEvent.ResponseStatus(200, "Success", "", ""), null, null, T0, T0.plusMillis(3),
        Map.of("kubeguard.dev/decision", i % 3 == 0 ? "deny" : "allow", "kubeguard.dev/rule", "r" + (i % 4)));
  }
}

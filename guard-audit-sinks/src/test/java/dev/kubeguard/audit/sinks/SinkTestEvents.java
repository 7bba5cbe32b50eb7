package dev.kubeguard.audit.sinks;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Events, keys, the chain and waiting, shared by the sink tests. */
final class SinkTestEvents {

  static final Instant T0 = Instant.parse("2024-01-01T00:00:00.123456Z");
  static final ChainKey CHAIN_KEY = ChainKey.of("kubeguard-sink-test-chain-key-32b!".getBytes(StandardCharsets.US_ASCII));
  static final ChainKey SPOOL_KEY = ChainKey.of("kubeguard-sink-test-spool-key-32b!".getBytes(StandardCharsets.US_ASCII));

  private SinkTestEvents() {}

  /** A Metadata-level "get secret" by alice, numbered {@code i}. */
  static AuditEvent event(int i) {
    return new AuditEvent(
        AuditLevel.METADATA, "audit-" + i, AuditEvent.Stage.ResponseComplete,
        "/api/v1/namespaces/team-a/secrets/s" + i, "get",
        Identity.of("alice", "dev", "system:authenticated"), null, List.of("10.0.0.1"), "kubectl/v1.28.7",
        new AuditEvent.ObjectReference("secrets", "team-a", "s" + i, "", "", "v1", "", ""),
        new AuditEvent.ResponseStatus(200, "Success", "", ""), null, null, T0, T0.plusMillis(3),
        Map.of("kubeguard.dev/decision", "allow", "kubeguard.dev/rule", "r" + (i % 4)));
  }

  static JsonlAuditRecorder chain(Path dir) throws IOException {
    return JsonlAuditRecorder.builder().path(dir.resolve("audit.jsonl")).chainKey(CHAIN_KEY).replicaId("mcp-0").build();
  }

  /** Copies a classpath resource under {@code tls/} into {@code dir}. */
  static Path resource(String name, Path dir) {
    try (InputStream in = SinkTestEvents.class.getResourceAsStream("/tls/" + name)) {
      Path out = dir.resolve(name);
      Files.write(out, in.readAllBytes());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] tls(String name) {
    try (InputStream in = SinkTestEvents.class.getResourceAsStream("/tls/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits (bounded) until {@code done}; the bound is a hang guard, not a timing assertion. */
  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}

package dev.kubeguard.e2e.support;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The Guard's audit trail as a user would keep it, the hash-chained {@link JsonlAuditRecorder}
 * file ({@link #fileText()}), plus the same events as objects for lookups by audit id.
 *
 * <p>Thread-safe. Failure: the file recorder's failures propagate, so the Guard fails closed as
 * it would in production.
 */
public final class GuardTrail implements Recorder {

  private final Path file;
  private final JsonlAuditRecorder jsonl;
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  public GuardTrail(Path dir) throws IOException {
    this.file = dir.resolve("guard-audit.jsonl");
    this.jsonl = JsonlAuditRecorder.builder().path(file).chainKey(ChainKey.generate()).durability(Durability.perEvent()).build();
  }

  @Override
  public void record(AuditEvent event) throws RecordingException {
    jsonl.record(event);
    events.add(event);
  }

  public List<AuditEvent> events() {
    return List.copyOf(events);
  }

  public List<AuditEvent> events(Predicate<AuditEvent> filter) {
    return events.stream().filter(filter).toList();
  }

  /** The recorded events of {@code auditId}. */
  public List<AuditEvent> byAuditId(String auditId) {
    return events(e -> e.auditId().equals(auditId));
  }

  /** Every line written to the trail's file so far. */
  public String fileText() {
    try {
      jsonl.sync();
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RecordingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws RecordingException {
    jsonl.close();
  }
}

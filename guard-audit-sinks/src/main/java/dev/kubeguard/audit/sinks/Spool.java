package dev.kubeguard.audit.sinks;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.AuditVerificationResult;
import dev.kubeguard.core.audit.AuditVerifier;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A sink's write-ahead log: a keyed {@link JsonlAuditRecorder} (per-event fsync) holding every
 * event not yet acknowledged by the endpoint, plus the durable {@link DeliveryCursor}. On open it
 * verifies the spool left by an earlier run (a spool edited at rest must not be delivered as if
 * it were the trail) and, when that run delivered everything, starts a fresh one. Thread-safe
 * where {@code JsonlAuditRecorder} is; the reader and cursor belong to the sender thread.
 */
final class Spool implements AutoCloseable {

  private static final String NAME = "spool.jsonl";

  private final Path active;
  private final ChainKey key;
  private final JsonlAuditRecorder recorder;
  private final DeliveryCursor cursor;
  private final SpoolReader reader;
  private final long deliveredAtOpen;

  private Spool(Path active, ChainKey key, JsonlAuditRecorder recorder, DeliveryCursor cursor, long delivered) {
    this.active = active;
    this.key = key;
    this.recorder = recorder;
    this.cursor = cursor;
    this.reader = new SpoolReader(active);
    this.deliveredAtOpen = delivered;
  }

  static Spool open(Path dir, ChainKey key) throws IOException {
    Files.createDirectories(dir);
    Path active = dir.resolve(NAME);
    DeliveryCursor cursor = new DeliveryCursor(dir.resolve(NAME + ".delivered"));
    long delivered = cursor.read();
    JsonlAuditRecorder recorder = build(active, key);
    long head = recorder.durableSeq();
    if (delivered > head) {
      close(recorder);
      throw new IOException(
          "spool " + active + " ends at seq " + head + " but its cursor says seq " + delivered
              + " was delivered: the spool was cut or replaced; move " + dir + " aside to start a new one");
    }
    if (head > 0) {
      AuditVerificationResult v = AuditVerifier.verifyChain(active, AuditVerifier.Options.keyed(key));
      if (!v.ok()) {
        close(recorder);
        throw new IOException(
            "spool " + active + " fails verification (" + v.summary() + "): it was damaged or edited at rest;"
                + " move " + dir + " aside after checking it");
      }
    }
    if (head > 0 && delivered == head) {
      // Everything was delivered: start afresh so the spool does not grow across restarts.
      close(recorder);
      deleteSpoolFiles(dir);
      cursor.delete();
      delivered = 0;
      recorder = build(active, key);
    }
    return new Spool(active, key, recorder, cursor, delivered);
  }

  private static JsonlAuditRecorder build(Path active, ChainKey key) throws IOException {
    // The sender delivers only fsynced lines (durableSeq): per-event keeps "appends durably" true
    // now that the recorder's default fsyncs only every second.
    return JsonlAuditRecorder.builder().path(active).chainKey(key).maxFileBytes(64L << 20)
        .durability(Durability.perEvent()).build();
  }

  private static void deleteSpoolFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith("spool") && !n.startsWith(NAME + ".delivered")) {
          Files.delete(p);
        }
      }
    }
  }

  private static void close(JsonlAuditRecorder r) {
    try {
      r.close();
    } catch (RecordingException ignored) {
      // opening failed anyway; that error is the one reported
    }
  }

  /** Appends durably; returns the event's spool seq. */
  long append(AuditEvent event) throws RecordingException {
    recorder.record(event);
    return recorder.positionOf(event).orElseThrow().seq();
  }

  long durableSeq() {
    return recorder.durableSeq();
  }

  long deliveredAtOpen() {
    return deliveredAtOpen;
  }

  List<SpoolReader.Line> read(long from, int max, long durable) throws IOException {
    return reader.read(from, max, durable);
  }

  void delivered(long seq) throws IOException {
    cursor.write(seq);
  }

  Path path() {
    return active;
  }

  @Override
  public void close() throws RecordingException {
    try {
      reader.close();
    } catch (IOException ignored) {
      // read-only handle
    }
    recorder.close();
  }

  ChainKey key() {
    return key;
  }
}

package dev.kubeguard.e2e.controlplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * kube-apiserver's own audit log (JSON Lines, {@code --audit-log-format=json}), read by audit id.
 * The server takes a client-sent {@code Audit-ID} header as its audit id, so a request the Guard
 * forwarded is found here under the id the Guard recorded for it.
 *
 * <p>The file is read incrementally (only the bytes appended since the last read are parsed).
 * The server writes a request's {@code ResponseComplete} event after the client may already have
 * its answer, so presence is awaited ({@link #awaitCompleted}) and absence is judged only after
 * {@link #settle()}, which waits until a later sentinel request of our own has been written.
 *
 * <p>Thread-safe (reads are synchronized). Failure: I/O errors are thrown unchecked; a wait that
 * runs out throws {@link AssertionError} naming the audit id.
 */
public final class ServerAuditLog {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WAIT_MILLIS = 20_000;

  private final Path file;
  private final RawHttp admin;
  private final TokenUser adminUser;
  private final Map<String, List<ServerAuditEvent>> byId = new LinkedHashMap<>();
  private final List<ServerAuditEvent> all = new ArrayList<>();
  private long offset;
  private byte[] carry = new byte[0];

  ServerAuditLog(Path file, RawHttp admin, TokenUser adminUser) {
    this.file = file;
    this.admin = admin;
    this.adminUser = adminUser;
  }

  /** Every event the server wrote so far under {@code auditId}, in file order. */
  public synchronized List<ServerAuditEvent> events(String auditId) {
    readNew();
    return List.copyOf(byId.getOrDefault(auditId, List.of()));
  }

  /** Every event written so far that {@code filter} accepts. */
  public synchronized List<ServerAuditEvent> matching(Predicate<ServerAuditEvent> filter) {
    readNew();
    return all.stream().filter(filter).toList();
  }

  /** The {@code ResponseComplete} event of {@code auditId}, waiting for the server to write it. */
  public ServerAuditEvent awaitCompleted(String auditId) {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (true) {
      Optional<ServerAuditEvent> done = events(auditId).stream().filter(ServerAuditEvent::isResponseComplete).findFirst();
      if (done.isPresent()) {
        return done.get();
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("kube-apiserver's audit log has no ResponseComplete event for Audit-ID " + auditId);
      }
      pause();
    }
  }

  /**
   * Sends a sentinel request of our own and waits until the server has logged it, so every
   * request that reached the server before it has been logged too (at least its
   * {@code RequestReceived} stage, written before the request is served).
   */
  public void settle() {
    String sentinel = "kubeguard-e2e-sentinel-" + UUID.randomUUID();
    admin.send(adminUser, "GET", "/api/v1/namespaces/default", sentinel);
    awaitCompleted(sentinel);
  }

  private void readNew() {
    if (!Files.exists(file)) {
      return;
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      if (length <= offset) {
        return;
      }
      byte[] fresh = new byte[(int) (length - offset)];
      f.seek(offset);
      f.readFully(fresh);
      offset = length;
      byte[] bytes = new byte[carry.length + fresh.length];
      System.arraycopy(carry, 0, bytes, 0, carry.length);
      System.arraycopy(fresh, 0, bytes, carry.length, fresh.length);
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          parse(new String(bytes, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      // A line still being written is kept until its newline arrives.
      carry = java.util.Arrays.copyOfRange(bytes, start, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void parse(String line) throws IOException {
    if (line.isBlank()) {
      return;
    }
    ServerAuditEvent e = ServerAuditEvent.of(JSON.readTree(line));
    all.add(e);
    byId.computeIfAbsent(e.auditId(), k -> new ArrayList<>()).add(e);
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

package dev.kubeguard.audit.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a spool's chained lines by sequence number, in order, following the recorder's rotation
 * ({@code spool-<first seq, 20 digits>.jsonl} files, then the active {@code spool.jsonl}), and
 * gives each back as the event JSON to send: the spool's own chain annotations removed, the
 * event otherwise byte-for-byte as recorded. Callers read only seqs already fsynced, so every
 * line read is complete. Used by the sender thread only; not thread-safe.
 */
final class SpoolReader implements AutoCloseable {

  /** One spooled event: its spool seq and the event's JSON without the spool's chain annotations. */
  record Line(long seq, byte[] json) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SPOOL_CHAIN_KEYS =
      Set.of("kubeguard.dev/seq", "kubeguard.dev/prev-hash", "kubeguard.dev/hash", "kubeguard.dev/mac");

  private final Path active;
  private final Pattern rotated;
  private FileChannel channel;
  private long position;
  private long nextSeq;
  private final ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
  private final ByteArrayOutputStream carry = new ByteArrayOutputStream();

  SpoolReader(Path active) {
    this.active = active;
    String name = active.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot <= 0 ? name : name.substring(0, dot);
    String ext = dot <= 0 ? "" : name.substring(dot);
    this.rotated = Pattern.compile(Pattern.quote(stem) + "-(\\d{20})" + Pattern.quote(ext));
  }

  /**
   * Up to {@code max} lines starting at seq {@code from}, none past {@code durable}.
   *
   * @throws IOException when a line is missing, out of order or not a chained event: the spool
   *     was damaged, and delivering around the damage would lose events silently
   */
  List<Line> read(long from, int max, long durable) throws IOException {
    List<Line> out = new ArrayList<>();
    if (channel == null || nextSeq != from) {
      locate(from);
    }
    while (out.size() < max && nextSeq <= durable) {
      byte[] line = nextLine();
      if (line == null) {
        // The line is durable, so it is in a later file: the active file was rotated under us.
        locate(nextSeq);
        line = nextLine();
        if (line == null) {
          throw new IOException("spool line " + nextSeq + " is fsynced but in no spool file: the spool was damaged");
        }
      }
      out.add(parse(line));
    }
    return out;
  }

  private Line parse(byte[] line) throws IOException {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IOException("spool line " + nextSeq + " is not JSON: the spool was damaged", e);
    }
    JsonNode annotations = node == null ? null : node.get("annotations");
    if (!(annotations instanceof ObjectNode a) || a.path("kubeguard.dev/seq").asLong(-1) != nextSeq) {
      throw new IOException(
          "spool line for seq " + nextSeq + " carries seq " + (annotations == null ? "none" : annotations.path("kubeguard.dev/seq").asText())
              + ": the spool was damaged or reordered");
    }
    a.remove(SPOOL_CHAIN_KEYS);
    if (a.isEmpty()) {
      ((ObjectNode) node).remove("annotations");
    }
    return new Line(nextSeq++, JSON.writeValueAsBytes(node));
  }

  /** Opens the file holding {@code seq} and skips to its line. */
  private void locate(long seq) throws IOException {
    close();
    Path file = active;
    long fileFirst = -1;
    Path dir = active.toAbsolutePath().getParent();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        Matcher m = rotated.matcher(p.getFileName().toString());
        if (m.matches()) {
          long first = Long.parseLong(m.group(1));
          if (first <= seq && first > fileFirst) {
            fileFirst = first;
            file = p;
          }
        }
      }
    }
    if (fileFirst >= 0 && Files.exists(active)) {
      // The active file starts after the last rotated one; it holds seq if it starts at or before it.
      channel = FileChannel.open(active, StandardOpenOption.READ);
      position = 0;
      nextSeq = -1;
      byte[] first = nextLine();
      long activeFirst = first == null ? Long.MAX_VALUE : JSON.readTree(first).path("annotations").path("kubeguard.dev/seq").asLong(-1);
      close();
      if (activeFirst <= seq) {
        file = active;
      }
    }
    channel = FileChannel.open(file, StandardOpenOption.READ);
    position = 0;
    while (true) {
      long at = position;
      byte[] line = nextLine();
      if (line == null) {
        // Not written here yet (or in the next file): resume from the end of what is there.
        position = at;
        nextSeq = seq;
        return;
      }
      long s = JSON.readTree(line).path("annotations").path("kubeguard.dev/seq").asLong(-1);
      if (s >= seq) {
        position = at;
        carry.reset();
        nextSeq = seq;
        return;
      }
    }
  }

  /** The next complete line (without its newline) at {@code position}, or null at end of file. */
  private byte[] nextLine() throws IOException {
    carry.reset();
    long pos = position;
    while (true) {
      chunk.clear();
      int n = channel.read(chunk, pos);
      if (n <= 0) {
        return null; // no newline yet: an incomplete line is never returned
      }
      byte[] a = chunk.array();
      for (int i = 0; i < n; i++) {
        if (a[i] == '\n') {
          carry.write(a, 0, i);
          position = pos + i + 1;
          return carry.toByteArray();
        }
      }
      carry.write(a, 0, n);
      pos += n;
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}

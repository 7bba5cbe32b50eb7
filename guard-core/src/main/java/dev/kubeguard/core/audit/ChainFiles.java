package dev.kubeguard.core.audit;

import dev.kubeguard.core.internal.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names and finds the files of one chain. The active file is the configured path
 * ({@code audit.jsonl}); a full file is renamed to {@code audit-<first seq, 20 digits>.jsonl},
 * so name order is chain order and the active file comes last. Also recovers the head of an
 * existing chain on restart. Stateless; callers serialize access to one chain.
 */
final class ChainFiles {

  /** The last line of a chain: its sequence number and hash ({@code 0} and genesis when empty). */
  public record Head(long seq, String hash) {
    public static final Head EMPTY = new Head(0, ChainLine.GENESIS);
  }

  private ChainFiles() {}

  /** The name a full active file gets when it is rotated. */
  public static Path rotatedName(Path active, long firstSeq) {
    String[] se = stemAndExt(active);
    return active.resolveSibling(se[0] + "-" + String.format("%020d", firstSeq) + se[1]);
  }

  /** Every file of the chain whose active file is {@code active}, oldest first. */
  public static List<Path> list(Path active) throws IOException {
    String[] se = stemAndExt(active);
    Pattern rotated = Pattern.compile(Pattern.quote(se[0]) + "-\\d{20}" + Pattern.quote(se[1]));
    Path dir = active.toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> rotated.matcher(p.getFileName().toString()).matches()).sorted().forEach(files::add);
      }
    }
    if (Files.exists(active)) {
      files.add(active.toAbsolutePath());
    }
    return files;
  }

  /**
   * The head of the chain, after cutting an unterminated last line off the active file: such a
   * line was never acknowledged (acknowledgement follows the write of the newline), so removing
   * it loses nothing a caller was told is kept.
   *
   * <p>The last line must match the recorder's mode: keyed ({@code key} given) lines carry a mac
   * that verifies under the key; unkeyed lines carry none. A recorder never continues a chain of
   * the other kind, nor one whose last line it could not have written.
   *
   * @throws IOException when the last line is not a chained event of this mode, so the chain
   *     cannot go on
   */
  public static Head recoverHead(Path active, ChainKey key) throws IOException {
    List<Path> files = list(active);
    for (int i = files.size() - 1; i >= 0; i--) {
      Path f = files.get(i);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long size = ch.size();
        if (size == 0) {
          continue;
        }
        long lastNewline = lastIndexOfNewline(ch, size);
        if (lastNewline != size - 1) {
          ch.truncate(lastNewline + 1);
          ch.force(true);
          size = lastNewline + 1;
          if (size == 0) {
            continue;
          }
        }
        long start = lastIndexOfNewline(ch, size - 1) + 1;
        int len = Math.toIntExact(size - 1 - start);
        ByteBuffer line = ByteBuffer.allocate(len);
        while (line.hasRemaining()) {
          if (ch.read(line, start + line.position()) < 0) {
            throw new IOException("file shrank while reading " + f);
          }
        }
        try {
          ChainLine.Parsed p = ChainLine.parse(line.array(), len, Sha256.newDigest(), key == null ? null : key.newMac());
          if (!p.hashMatches()) {
            throw new IOException("last line of " + f + " fails its hash: verify the audit trail");
          }
          if (key == null && p.keyed()) {
            throw new IOException(
                f + " holds a keyed chain: configure chainKey(...) with its key to continue it");
          }
          if (key != null && !p.keyed()) {
            throw new IOException(
                f + " holds an unkeyed chain (written with unkeyedForDevelopment()): a keyed recorder does not"
                    + " continue it; move the trail aside to start a keyed one");
          }
          if (key != null && !p.macMatches()) {
            throw new IOException(
                "last line of " + f + " fails its mac under key " + key.id()
                    + ": wrong key, or the line was forged; verify the audit trail");
          }
          return new Head(p.seq(), p.storedHash());
        } catch (IllegalArgumentException e) {
          throw new IOException("cannot continue the chain: last line of " + f + " " + e.getMessage(), e);
        }
      }
    }
    return Head.EMPTY;
  }

  /** The sequence number of the first line of a non-empty chain file. */
  public static long firstSeq(Path file) throws IOException {
    try (LineReader r = new LineReader(file)) {
      if (!r.next() || !r.terminated()) {
        throw new IOException("cannot read the first line of " + file);
      }
      try {
        return ChainLine.parse(r.bytes(), r.length(), Sha256.newDigest()).seq();
      } catch (IllegalArgumentException e) {
        throw new IOException("first line of " + file + " " + e.getMessage(), e);
      }
    }
  }

  /** Position of the last {@code '\n'} before {@code end}, or -1. */
  private static long lastIndexOfNewline(FileChannel ch, long end) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
    long pos = end;
    while (pos > 0) {
      int n = (int) Math.min(chunk.capacity(), pos);
      chunk.clear().limit(n);
      long from = pos - n;
      while (chunk.hasRemaining()) {
        if (ch.read(chunk, from + chunk.position()) < 0) {
          throw new IOException("unexpected end of file");
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        if (chunk.get(i) == '\n') {
          return from + i;
        }
      }
      pos = from;
    }
    return -1;
  }

  /**
   * The active file a trail file belongs to: itself, or for a rotated file
   * ({@code audit-<20 digits>.jsonl}) the {@code audit.jsonl} beside it. A crash right after a
   * rotation leaves no active file, and the sealed head is still named after it.
   */
  static Path activeOf(Path file) {
    String name = file.getFileName().toString();
    java.util.regex.Matcher m = ROTATED_NAME.matcher(name);
    return m.matches() ? file.resolveSibling(m.group(1) + (m.group(2) == null ? "" : m.group(2))) : file;
  }

  private static final Pattern ROTATED_NAME = Pattern.compile("(.+)-\\d{20}(\\.[^.]*)?");

  private static String[] stemAndExt(Path active) {
    String name = active.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? new String[] {name, ""} : new String[] {name.substring(0, dot), name.substring(dot)};
  }
}

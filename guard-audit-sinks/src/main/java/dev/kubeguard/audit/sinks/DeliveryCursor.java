package dev.kubeguard.audit.sinks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The durable "delivered through seq N" mark of a spool: one line of text, replaced atomically
 * (write a temporary file, fsync, rename, fsync the directory) after each acknowledged batch, so
 * a restart resumes right after the last batch the endpoint acknowledged. Used by the sender
 * thread only; not thread-safe.
 */
final class DeliveryCursor {

  private final Path file;
  private final Path tmp;

  DeliveryCursor(Path file) {
    this.file = file;
    this.tmp = file.resolveSibling(file.getFileName() + ".tmp");
  }

  /** The delivered seq, 0 when nothing was ever delivered. */
  long read() throws IOException {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      long seq = Long.parseLong(text);
      if (seq < 0) {
        throw new IOException("delivery cursor " + file + " holds a negative seq");
      }
      return seq;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (NumberFormatException e) {
      throw new IOException("delivery cursor " + file + " is not a number: move the spool aside and check it", e);
    }
  }

  void write(long seq) throws IOException {
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap((seq + "\n").getBytes(StandardCharsets.US_ASCII));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(tmp);
  }
}

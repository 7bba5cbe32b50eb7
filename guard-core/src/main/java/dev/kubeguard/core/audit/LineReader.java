package dev.kubeguard.core.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a file line by line as raw bytes, in constant memory beyond the longest line, and says
 * whether each line was terminated by {@code '\n'} (a crash can leave the last one unterminated).
 * Not thread-safe; the buffer returned by {@link #bytes()} is reused by the next {@link #next()}.
 */
final class LineReader implements AutoCloseable {

  private final InputStream in;
  private byte[] buf = new byte[8192];
  private int length;
  private boolean terminated;
  private long number;

  public LineReader(Path file) throws IOException {
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  /** Advances to the next line; false at end of file. */
  public boolean next() throws IOException {
    length = 0;
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        terminated = true;
        number++;
        return true;
      }
      if (length == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      buf[length++] = (byte) b;
    }
    if (length == 0) {
      return false;
    }
    terminated = false;
    number++;
    return true;
  }

  public byte[] bytes() {
    return buf;
  }

  public int length() {
    return length;
  }

  public boolean terminated() {
    return terminated;
  }

  /** 1-based number of the current line. */
  public long number() {
    return number;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

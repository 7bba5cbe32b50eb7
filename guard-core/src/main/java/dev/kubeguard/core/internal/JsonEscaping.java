package dev.kubeguard.core.internal;

import java.nio.charset.StandardCharsets;

/**
 * How a char is written inside a JSON string, exactly as Jackson's {@code UTF8JsonGenerator}
 * writes it by default: {@code "} and {@code \} with a backslash, control characters as
 * {@code \b \t \n \f \r} or else a backslash-u escape with upper-case hex, every surrogate char
 * (paired or not) as a backslash-u escape, everything else as UTF-8. The one rule for the
 * masker's rewritten strings and the audit lines, so both read as Jackson would have written
 * them. Stateless and thread-safe.
 */
public final class JsonEscaping {

  /** The most bytes {@link #put} writes for one char. */
  public static final int MAX_BYTES_PER_CHAR = 6;

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /** Per ASCII char: 0 written as is, -1 a backslash-u escape, else the letter after a backslash. */
  private static final int[] ESCAPES = new int[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
  }

  private JsonEscaping() {}

  /** Whether {@code c} is written as its one ASCII byte. */
  public static boolean plain(char c) {
    return c < 0x80 && ESCAPES[c] == 0;
  }

  /** Writes {@code c} at {@code at} (room for {@link #MAX_BYTES_PER_CHAR} bytes); returns the end. */
  public static int put(byte[] b, int at, char c) {
    if (c < 0x80) {
      int e = ESCAPES[c];
      if (e == 0) {
        b[at++] = (byte) c;
        return at;
      }
      if (e > 0) {
        b[at++] = '\\';
        b[at++] = (byte) e;
        return at;
      }
      return unicodeEscape(b, at, c);
    }
    if (c < 0x800) {
      b[at++] = (byte) (0xC0 | (c >> 6));
      b[at++] = (byte) (0x80 | (c & 0x3F));
      return at;
    }
    if (Character.isSurrogate(c)) {
      return unicodeEscape(b, at, c);
    }
    b[at++] = (byte) (0xE0 | (c >> 12));
    b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
    b[at++] = (byte) (0x80 | (c & 0x3F));
    return at;
  }

  /** How many bytes {@link #put} writes for {@code c}. */
  public static int length(char c) {
    if (c < 0x80) {
      int e = ESCAPES[c];
      return e == 0 ? 1 : e > 0 ? 2 : 6;
    }
    return c < 0x800 ? 2 : Character.isSurrogate(c) ? 6 : 3;
  }

  private static int unicodeEscape(byte[] b, int at, char c) {
    b[at++] = '\\';
    b[at++] = 'u';
    b[at++] = HEX[(c >> 12) & 0xF];
    b[at++] = HEX[(c >> 8) & 0xF];
    b[at++] = HEX[(c >> 4) & 0xF];
    b[at++] = HEX[c & 0xF];
    return at;
  }
}

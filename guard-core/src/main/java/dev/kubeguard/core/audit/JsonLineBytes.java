package dev.kubeguard.core.audit;

import dev.kubeguard.core.internal.JsonEscaping;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A compact JSON writer into one growing byte array, for audit lines: objects, arrays, string and
 * int values, with commas placed by nesting level. Strings are escaped as Jackson's
 * {@code UTF8JsonGenerator} escapes them by default ({@link JsonEscaping}, the masker's rule too),
 * so a line's bytes do not depend on which of the two wrote it; {@code EventJsonWriterTest} holds
 * it to that.
 *
 * <p>It exists because the generator's per-call checks and set-up cost more than the audit line's
 * content: an event took 2.6-4.5 µs through Jackson, most of the audit writer thread's time. Not
 * thread-safe; nesting deeper than 63 levels is refused with {@link IllegalStateException}.
 */
final class JsonLineBytes {

  private static final int MAX_DEPTH = 63;
  private static final int SEGMENT = 512;
  private static final int SHORT = 24;

  private final char[] chars = new char[SEGMENT];
  private byte[] buf;
  private int len;
  private int depth;
  /** Bit {@code d}: the container at depth {@code d} already has a member. */
  private long hasMember;
  /** A field name was just written, so the next value takes no comma. */
  private boolean afterName;

  JsonLineBytes(int capacity) {
    buf = new byte[capacity];
  }

  /** Starts an object, as a value: at the root, in an array, or after {@link #name}. */
  JsonLineBytes startObject() {
    beforeValue();
    put((byte) '{');
    return push();
  }

  JsonLineBytes endObject() {
    pop();
    put((byte) '}');
    return this;
  }

  JsonLineBytes startArray() {
    beforeValue();
    put((byte) '[');
    return push();
  }

  JsonLineBytes endArray() {
    pop();
    put((byte) ']');
    return this;
  }

  /**
   * {@code text} encoded once as a member name ({@code "text":}), for {@link #name(byte[])}: the
   * fixed names of a line cost a copy instead of an escape scan each.
   */
  static byte[] encodedName(String text) {
    JsonLineBytes w = new JsonLineBytes(text.length() * 6 + 3);
    w.quoted(text);
    w.put((byte) ':');
    return w.toBytes();
  }

  /** {@code text} encoded once as a string value, for {@link #encodedString(byte[])}. */
  static byte[] encodedString(String text) {
    JsonLineBytes w = new JsonLineBytes(text.length() * 6 + 2);
    w.quoted(text);
    return w.toBytes();
  }

  /** A member's name made by {@link #encodedName(String)}. */
  JsonLineBytes name(byte[] encoded) {
    beforeValue();
    copy(encoded);
    afterName = true;
    return this;
  }

  /** A string value made by {@link #encodedString(String)}. */
  JsonLineBytes encodedString(byte[] encoded) {
    beforeValue();
    copy(encoded);
    return this;
  }

  /** A member's name inside an object; the value written next belongs to it. */
  JsonLineBytes name(String name) {
    beforeValue();
    quoted(name);
    put((byte) ':');
    afterName = true;
    return this;
  }

  JsonLineBytes string(String value) {
    beforeValue();
    quoted(value);
    return this;
  }

  /**
   * Opens a string value of exactly {@code n} bytes and returns where they go in {@link #array()};
   * the caller fills them before writing anything else, with printable ASCII that needs no escape
   * (digits, letters, {@code -:.}), such as a formatted timestamp: the caller vouches for that.
   */
  int plainStringRoom(int n) {
    beforeValue();
    room(n + 2L);
    buf[len++] = '"';
    int at = len;
    len += n;
    buf[len++] = '"';
    return at;
  }

  JsonLineBytes number(int value) {
    beforeValue();
    ascii(Integer.toString(value));
    return this;
  }

  /**
   * Places the comma for the next value and returns a stream that appends that value's bytes
   * verbatim: for what Jackson re-encodes (embedded bodies), which the caller vouches is one
   * complete JSON value.
   */
  OutputStream rawValueStream() {
    beforeValue();
    return new OutputStream() {
      @Override
      public void write(int b) {
        put((byte) b);
      }

      @Override
      public void write(byte[] b, int off, int count) {
        room(count);
        System.arraycopy(b, off, buf, len, count);
        len += count;
      }
    };
  }

  /**
   * Writes {@code n} (not negative) as {@code width} decimal digits at {@code to[at]}; returns the
   * position after them.
   */
  static int putDecimal(byte[] to, int at, long n, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      to[i] = (byte) ('0' + n % 10);
      n /= 10;
    }
    return at + width;
  }

  /** The array written into: its first {@link #length()} bytes, until the next write. */
  byte[] array() {
    return buf;
  }

  int length() {
    return len;
  }

  /** The bytes written so far, as an exactly sized copy. */
  byte[] toBytes() {
    return Arrays.copyOf(buf, len);
  }

  /** Empties the writer for the next line, keeping its array unless it grew beyond {@code keep}. */
  void reset(int keep) {
    if (buf.length > keep) {
      buf = new byte[keep];
    }
    len = 0;
    depth = 0;
    hasMember = 0;
    afterName = false;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (depth > 0) {
      long bit = 1L << depth;
      if ((hasMember & bit) != 0) {
        put((byte) ',');
      } else {
        hasMember |= bit;
      }
    }
  }

  private JsonLineBytes push() {
    if (depth == MAX_DEPTH) {
      throw new IllegalStateException("audit line nested deeper than " + MAX_DEPTH);
    }
    depth++;
    hasMember &= ~(1L << depth);
    return this;
  }

  private void pop() {
    if (depth == 0) {
      throw new IllegalStateException("no open container to end");
    }
    depth--;
    afterName = false;
  }

  // String.getBytes(int, int, byte[], int) is deprecated because it drops each char's high byte; for
  // the plain-ASCII runs it is given here that is exact, and it copies without allocating.
  @SuppressWarnings("deprecation")
  private void quoted(String s) {
    int n = s.length();
    if (n <= SHORT) {
      quotedShort(s, n);
      return;
    }
    room(2);
    buf[len++] = '"';
    // A segment at a time, with room for its worst case (every char a six-byte escape) asked once:
    // its chars are scanned for runs that need no escape, and each run is copied in bulk.
    for (int from = 0; from < n; from += SEGMENT) {
      int count = Math.min(SEGMENT, n - from);
      s.getChars(from, from + count, chars, 0);
      room((long) count * JsonEscaping.MAX_BYTES_PER_CHAR);
      byte[] b = buf;
      int at = len;
      int i = 0;
      while (i < count) {
        int run = i;
        while (run < count && JsonEscaping.plain(chars[run])) {
          run++;
        }
        if (run > i) {
          s.getBytes(from + i, from + run, b, at);
          at += run - i;
          i = run;
        }
        if (i < count) {
          at = JsonEscaping.put(b, at, chars[i++]);
        }
      }
      len = at;
    }
    room(1);
    buf[len++] = '"';
  }

  /** A short string char by char: for most of a line's values the bulk copies cost more to set up. */
  private void quotedShort(String s, int n) {
    room((long) n * JsonEscaping.MAX_BYTES_PER_CHAR + 2);
    byte[] b = buf;
    int at = len;
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      at = JsonEscaping.put(b, at, s.charAt(i));
    }
    b[at++] = '"';
    len = at;
  }

  private void ascii(String s) {
    int n = s.length();
    room(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  private void copy(byte[] bytes) {
    room(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  private void put(byte b) {
    room(1);
    buf[len++] = b;
  }

  private void room(long more) {
    if (more > buf.length - len) {
      long want = Math.max((long) buf.length * 2, len + more);
      if (want > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("audit line too large: " + want + " bytes");
      }
      buf = Arrays.copyOf(buf, (int) want);
    }
  }
}

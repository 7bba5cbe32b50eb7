package dev.kubeguard.core.mask;

import dev.kubeguard.core.internal.JsonEscaping;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes compact JSON straight into a {@link ChunkOutput}, with the same bytes Jackson's UTF-8
 * generator writes (strings escaped by {@link JsonEscaping}, numbers as given).
 * {@link JsonMaskEngine} copies unmasked input verbatim and uses it only to write the strings it
 * rewrites (a value with detected secrets, embedded JSON masked inside). Field names, which Kubernetes repeats a few
 * hundred of, are encoded once per stream. A call out of order (a value where a name is due, an
 * end without a start) throws, as the generator did, so an engine bug withholds the body instead
 * of emitting broken JSON. Not thread-safe.
 */
final class CompactJsonWriter {

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final int NAME_CACHE_SIZE = 1024;
  private static final int MAX_CACHED_NAME = 256;

  private static final boolean[] NO_LEVELS = new boolean[0];

  private final ChunkOutput out;
  // Made on first use: most writers only quote strings (a rewritten value), with no names or
  // containers.
  private Map<String, byte[]> names;
  // per open container: is it an object, has it had a member yet
  private boolean[] object = NO_LEVELS;
  private boolean[] hasMember = NO_LEVELS;
  private int depth;
  private boolean afterName;

  CompactJsonWriter(ChunkOutput out) {
    this(out, (Map<String, byte[]>) null);
  }

  /** A writer for embedded JSON that shares {@code parent}'s name cache (same stream, same thread). */
  CompactJsonWriter(ChunkOutput out, CompactJsonWriter parent) {
    this(out, parent.names());
  }

  private Map<String, byte[]> names() {
    if (names == null) {
      names = new HashMap<>();
    }
    return names;
  }

  private CompactJsonWriter(ChunkOutput out, Map<String, byte[]> names) {
    this.out = out;
    this.names = names;
  }

  void startObject() throws IOException {
    beforeValue();
    push(true);
    writeByte('{');
  }

  void startArray() throws IOException {
    beforeValue();
    push(false);
    writeByte('[');
  }

  void endObject() throws IOException {
    end(true, '}');
  }

  void endArray() throws IOException {
    end(false, ']');
  }

  void fieldName(String name) throws IOException {
    if (depth == 0 || !object[depth - 1] || afterName) {
      throw new IOException("JSON writer: field name where a value is due");
    }
    byte[] encoded = names().get(name);
    if (encoded == null) {
      writeNewName(name);
    } else {
      byte[] b = out.room(encoded.length + 1);
      int p = out.size();
      if (hasMember[depth - 1]) {
        b[p++] = ',';
      }
      System.arraycopy(encoded, 0, b, p, encoded.length);
      out.size(p + encoded.length);
    }
    hasMember[depth - 1] = true;
    afterName = true;
  }

  void string(String s) throws IOException {
    beforeValue();
    writeQuoted(s.toCharArray(), 0, s.length());
  }

  void string(char[] c, int off, int len) throws IOException {
    beforeValue();
    writeQuoted(c, off, len);
  }

  /**
   * A string given as valid UTF-8 (the masker's own output for JSON held in a string): escaped as
   * {@link #string(String)} escapes ASCII, every other byte copied, so it is never decoded.
   */
  void stringFromUtf8(byte[] u, int off, int len) throws IOException {
    beforeValue();
    writeByte('"');
    int worst = len * JsonEscaping.MAX_BYTES_PER_CHAR;
    byte[] b = out.room(out.free() >= worst ? worst : utf8QuotedLength(u, off, len));
    int p = out.size();
    for (int i = off; i < off + len; i++) {
      byte ch = u[i];
      if (ch < 0) {
        b[p++] = ch; // a byte of a multi-byte sequence: valid in a JSON string as it is
      } else {
        p = JsonEscaping.put(b, p, (char) ch);
      }
    }
    out.size(p);
    writeByte('"');
  }

  /** A number exactly as its (ASCII) text was read. */
  void number(char[] c, int off, int len) throws IOException {
    beforeValue();
    byte[] b = out.room(len);
    int p = out.size();
    for (int i = 0; i < len; i++) {
      b[p++] = (byte) c[off + i];
    }
    out.size(p);
  }

  void number(String text) throws IOException {
    number(text.toCharArray(), 0, text.length());
  }

  void bool(boolean v) throws IOException {
    beforeValue();
    writeBytes(v ? TRUE : FALSE);
  }

  void nullValue() throws IOException {
    beforeValue();
    writeBytes(NULL);
  }

  /** Ends a root value's line (watch framing); only between root values. */
  void newline() throws IOException {
    if (depth != 0) {
      throw new IOException("JSON writer: newline inside a value");
    }
    writeByte('\n');
  }

  // ---- structure

  private void beforeValue() throws IOException {
    if (depth == 0) {
      return;
    }
    int d = depth - 1;
    if (object[d]) {
      if (!afterName) {
        throw new IOException("JSON writer: value where a field name is due");
      }
      afterName = false;
      return;
    }
    if (hasMember[d]) {
      writeByte(',');
    }
    hasMember[d] = true;
  }

  private void push(boolean isObject) {
    if (depth == object.length) {
      object = Arrays.copyOf(object, Math.max(8, depth * 2));
      hasMember = Arrays.copyOf(hasMember, Math.max(8, depth * 2));
    }
    object[depth] = isObject;
    hasMember[depth] = false;
    depth++;
  }

  private void end(boolean isObject, char c) throws IOException {
    if (depth == 0 || object[depth - 1] != isObject || afterName) {
      throw new IOException("JSON writer: unbalanced end of " + (isObject ? "object" : "array"));
    }
    depth--;
    writeByte(c);
  }

  // ---- bytes

  /** Encodes a name not cached yet, and caches its bytes when it is short. */
  private void writeNewName(String name) {
    if (hasMember[depth - 1]) {
      writeByte(',');
    }
    int start = out.size();
    writeQuoted(name.toCharArray(), 0, name.length());
    writeByte(':');
    if (name.length() <= MAX_CACHED_NAME) {
      // names are keys, not secret values; the cache is bounded and per stream
      Map<String, byte[]> cache = names();
      if (cache.size() >= NAME_CACHE_SIZE) {
        cache.clear();
      }
      cache.put(name, Arrays.copyOfRange(out.room(0), start, out.size()));
    }
  }

  private void writeByte(char c) {
    byte[] b = out.room(1);
    int p = out.size();
    b[p] = (byte) c;
    out.size(p + 1);
  }

  private void writeBytes(byte[] bytes) {
    byte[] b = out.room(bytes.length);
    int p = out.size();
    System.arraycopy(bytes, 0, b, p, bytes.length);
    out.size(p + bytes.length);
  }

  /**
   * The bytes {@link #stringFromUtf8} writes between the quotes: the room asked for when the
   * worst case (six per byte) does not fit, so a short buffer is not grown for escapes that never
   * come, and a roomy one is not scanned twice.
   */
  private static int utf8QuotedLength(byte[] u, int off, int len) {
    int n = len;
    for (int i = off; i < off + len; i++) {
      byte ch = u[i];
      if (ch >= 0) {
        n += JsonEscaping.length((char) ch) - 1;
      }
    }
    return n;
  }

  /** The bytes {@link #writeQuoted} writes for {@code c[from..to)} between the quotes. */
  private static int quotedLength(char[] c, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      n += JsonEscaping.length(c[i]);
    }
    return n;
  }

  /**
   * UTF-8 with JSON escapes, in slices, each with room for the worst case when that fits and for
   * exactly what it writes when not: a short buffer does not grow by six bytes per char, a long
   * string does not ask for it all at once.
   */
  private void writeQuoted(char[] c, int off, int len) {
    writeByte('"');
    int end = off + len;
    int i = off;
    while (i < end) {
      int sliceEnd = Math.min(end, i + 8192);
      int worst = (sliceEnd - i) * JsonEscaping.MAX_BYTES_PER_CHAR;
      byte[] b = out.room(out.free() >= worst ? worst : quotedLength(c, i, sliceEnd));
      int p = out.size();
      for (; i < sliceEnd; i++) {
        p = JsonEscaping.put(b, p, c[i]);
      }
      out.size(p);
    }
    writeByte('"');
  }
}

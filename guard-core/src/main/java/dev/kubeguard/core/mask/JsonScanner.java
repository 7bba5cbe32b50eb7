package dev.kubeguard.core.mask;

import java.io.IOException;
import java.util.Arrays;

/**
 * A strict JSON tokenizer (RFC 8259) over a window of input bytes that grows as a body arrives:
 * the masker's own, in place of Jackson's non-blocking parser, whose token offsets could be read
 * only from its internals, left a byte-order mark out, and which copied every unfinished token.
 * It reads the bytes where they are, says where each token ends, and decodes a string's text only
 * when asked. Unfinished tokens are not copied: the
 * caller keeps the window from {@link #resumeFrom()} on, and the scanner reads the token again
 * when more has come (a long string resumes where its scan stopped, so that is linear).
 *
 * <p>What it accepts is what Jackson's parser accepts with the masker's settings, and each token
 * ends where Jackson says it does ({@code JsonScannerDifferentialTest}), root values following one
 * another as in a watch stream. Where it differs it is stricter, or counts what Jackson does not:
 * <ul>
 *   <li>it refuses bytes that are not UTF-8 (overlong forms, code points past U+10FFFF), which
 *       Jackson decodes into characters a client may read otherwise;
 *   <li>it refuses a number cut at the end of the input ({@code 1.}, {@code 1e+}), and a second
 *       byte-order mark;
 *   <li>it counts a byte-order mark at the start as input, where Jackson's offsets leave it out
 *       (spliced by those, every masked value slid 3 bytes);
 *   <li>a number's text is as written ({@code -0}, where Jackson says {@code 0}).
 * </ul>
 * Its limits are Jackson's: strings of at most {@code maxStringLength} chars, nesting at most
 * {@code maxDepth} deep, names of at most {@value #MAX_NAME_LENGTH} bytes of UTF-8 (and no escaped
 * half of a surrogate pair), numbers of at most {@value #MAX_NUMBER_LENGTH} digits.
 *
 * <p>Failures are {@link IOException}s whose message never quotes the input: any byte of it may
 * be a secret. Not thread-safe; one body at a time.
 */
final class JsonScanner {

  static final int END = -1;
  static final int NOT_AVAILABLE = 0;
  static final int START_OBJECT = 1;
  static final int END_OBJECT = 2;
  static final int START_ARRAY = 3;
  static final int END_ARRAY = 4;
  static final int FIELD_NAME = 5;
  static final int STRING = 6;
  static final int NUMBER_INT = 7;
  static final int NUMBER_FLOAT = 8;
  static final int TRUE = 9;
  static final int FALSE = 10;
  static final int NULL = 11;

  /** Jackson's default longest name, in bytes of UTF-8, which the masker's parser had. */
  static final int MAX_NAME_LENGTH = 50_000;

  /** Jackson's default longest number. */
  static final int MAX_NUMBER_LENGTH = 1000;

  // What may come next.
  private static final int ROOT = 0; // a root value, or the end of input
  private static final int FIRST_VALUE = 1; // after '[': a value or ']'
  private static final int VALUE = 2; // after ':', or ',' in an array
  private static final int FIRST_NAME = 3; // after '{': a name or '}'
  private static final int NAME = 4; // after ',' in an object
  private static final int COLON = 5; // after a name
  private static final int COMMA = 6; // after a value in a container: ',' or its end

  // What a byte is inside a string.
  private static final byte PLAIN = 0;
  private static final byte QUOTE = 1;
  private static final byte BACKSLASH = 2;
  private static final byte CONTROL = 3;
  private static final byte LEAD2 = 4;
  private static final byte LEAD3 = 5;
  private static final byte LEAD4 = 6;
  private static final byte INVALID = 7;

  private static final byte[] IN_STRING = new byte[256];

  static {
    for (int c = 0; c < 0x20; c++) {
      IN_STRING[c] = CONTROL;
    }
    IN_STRING['"'] = QUOTE;
    IN_STRING['\\'] = BACKSLASH;
    for (int c = 0x80; c < 0x100; c++) {
      // C0 and C1 only begin overlong forms, F5-FF nothing
      IN_STRING[c] = c >= 0xC2 && c <= 0xDF ? LEAD2 : c >= 0xE0 && c <= 0xEF ? LEAD3 : c >= 0xF0 && c <= 0xF4 ? LEAD4 : INVALID;
    }
  }

  private static final byte[] NO_INPUT = new byte[0];
  private static final char[] NO_CHARS = new char[0];

  /**
   * Spare text buffers (8 kept, shared by all threads): a body's scanner and its part scanner decode a string each at
   * once, and a long one (a last-applied annotation) would otherwise cost a buffer per body.
   */
  private static final SpareBuffers<char[]> SPARE_TEXT = new SpareBuffers<>(8, 256, 32 * 1024, char[]::new, c -> c.length);
  private static final byte[] TRUE_BYTES = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE_BYTES = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL_BYTES = {'n', 'u', 'l', 'l'};

  private final int maxStringLength;
  private final int maxDepth;

  // window[0, limit) is the input from absolute offset base on
  private byte[] window = NO_INPUT;
  private long base;
  private int limit;
  private boolean endOfInput;
  private boolean bom;

  private long pos; // the next byte to read
  private int state = ROOT;
  private boolean[] arrays = new boolean[16];
  private int depth;

  // the current token: [start, end); a string's content is [start + 1, end - 1)
  private int token = NOT_AVAILABLE;
  private long start;
  private long end;
  private int chars; // a string's length in chars
  private boolean escaped;
  private boolean ascii;
  private char[] text = NO_CHARS;
  private int textLength = -1; // -1: not decoded yet

  // a string cut by the end of the window: scanned up to partScanned, with partChars so far
  private long partStart = -1;
  private long partScanned;
  private int partChars;
  private boolean partEscaped;
  private boolean partAscii;

  /** The longest name or string {@link #field} finds by its bytes. */
  private static final int SHARED_LENGTH = SharedNames.MAX_LENGTH;

  JsonScanner(int maxStringLength, int maxDepth) {
    this.maxStringLength = maxStringLength;
    this.maxDepth = maxDepth;
  }

  /**
   * The input so far: {@code window[0, length)} holds it from absolute offset {@code base} on,
   * which must be at or before {@link #resumeFrom()}. The current token's text is gone after
   * this call.
   */
  void input(byte[] window, long base, int length) {
    if (base > resumeFrom() || base + length < this.base + limit) {
      throw new IllegalArgumentException("the window must hold the input from resumeFrom() to what has arrived");
    }
    this.window = window;
    this.base = base;
    this.limit = length;
    textLength = -1;
    token = NOT_AVAILABLE;
  }

  /** Starts over, for a new input; keeps its buffers. */
  void restart() {
    window = NO_INPUT;
    base = 0;
    limit = 0;
    endOfInput = false;
    bom = false;
    pos = 0;
    state = ROOT;
    depth = 0;
    token = NOT_AVAILABLE;
    textLength = -1;
    partStart = -1;
  }

  /** Gives the text buffer back to the spares; the scanner may still be used. */
  void release() {
    if (text != NO_CHARS) {
      SPARE_TEXT.give(text);
      text = NO_CHARS;
    }
  }

  /** No more input will come: what is cut now is malformed. */
  void endOfInput() {
    endOfInput = true;
  }

  /** The earliest input offset the scanner will read again: the caller's window keeps it. */
  long resumeFrom() {
    return partStart >= 0 ? partStart : pos;
  }

  /** The offset of the current token's first byte. */
  long tokenStart() {
    return start;
  }

  /** The offset just past the current token. */
  long tokenEnd() {
    return end;
  }

  /**
   * The next token, {@link #NOT_AVAILABLE} when it needs more input, or {@link #END} when the
   * input ended after whole values.
   *
   * @throws IOException the input is not JSON, or exceeds a limit; the scanner is then done
   */
  int next() throws IOException {
    textLength = -1;
    while (true) {
      int i = skipWhitespace();
      if (i < 0) {
        if (!endOfInput) {
          return token = NOT_AVAILABLE;
        }
        if (state == ROOT && partStart < 0) {
          if (bom && pos == 3) {
            throw malformed("the body ended after its byte-order mark"); // as Jackson
          }
          return token = END;
        }
        throw malformed("the body ended inside a JSON value");
      }
      byte b = window[i];
      switch (state) {
        case COLON -> {
          if (b != ':') {
            throw malformed("expected ':' after a field name");
          }
          pos++;
          state = VALUE;
        }
        case COMMA -> {
          if (b == ',') {
            pos++;
            state = arrays[depth - 1] ? VALUE : NAME;
          } else if (b == ']' || b == '}') {
            return close(b == ']');
          } else {
            throw malformed("expected ',' or the end of the " + (arrays[depth - 1] ? "array" : "object"));
          }
        }
        case FIRST_NAME, NAME -> {
          if (b == '}' && state == FIRST_NAME) {
            return close(false);
          }
          if (b != '"') {
            throw malformed("expected a field name in double quotes");
          }
          return string(i, FIELD_NAME);
        }
        default -> {
          return value(i, b);
        }
      }
    }
  }

  /** Skips whitespace from {@link #pos}; the window index of the next byte, or -1 at its end. */
  private int skipWhitespace() throws IOException {
    if (partStart >= 0) {
      return (int) (partStart - base);
    }
    int i = (int) (pos - base);
    byte[] w = window;
    int n = limit;
    if (pos == 0 && state == ROOT && depth == 0 && i < n && w[i] == (byte) 0xEF) {
      // a byte-order mark, as Jackson allows at the very start
      if (n - i < 3 && !endOfInput) {
        return -1;
      }
      if (n - i < 3 || w[i + 1] != (byte) 0xBB || w[i + 2] != (byte) 0xBF) {
        throw malformed("a broken byte-order mark");
      }
      i += 3;
      bom = true;
    }
    while (i < n) {
      byte b = w[i];
      if (b > ' ' || b < 0) {
        break;
      }
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        throw malformed("a control character outside a string");
      }
      i++;
    }
    pos = base + i;
    return i < n ? i : -1;
  }

  private int value(int i, byte b) throws IOException {
    switch (b) {
      case '{' -> {
        push(false);
        state = FIRST_NAME;
        return single(i, START_OBJECT);
      }
      case '[' -> {
        push(true);
        state = FIRST_VALUE;
        return single(i, START_ARRAY);
      }
      case ']' -> {
        if (state == FIRST_VALUE) {
          return close(true);
        }
        throw malformed("expected a value");
      }
      case '"' -> {
        return string(i, STRING);
      }
      case 't' -> {
        return literal(i, TRUE_BYTES, TRUE);
      }
      case 'f' -> {
        return literal(i, FALSE_BYTES, FALSE);
      }
      case 'n' -> {
        return literal(i, NULL_BYTES, NULL);
      }
      default -> {
        if (b == '-' || (b >= '0' && b <= '9')) {
          return number(i);
        }
        throw malformed("expected a value");
      }
    }
  }

  private int single(int i, int t) {
    start = base + i;
    end = pos = start + 1;
    return token = t;
  }

  private void push(boolean array) throws IOException {
    if (depth == maxDepth) {
      throw malformed("JSON nested deeper than the limit of " + maxDepth);
    }
    if (depth == arrays.length) {
      arrays = Arrays.copyOf(arrays, depth * 2);
    }
    arrays[depth++] = array;
  }

  private int close(boolean array) throws IOException {
    // a close where nothing or the other container is open
    if (depth == 0 || arrays[depth - 1] != array) {
      throw malformed("a closing " + (array ? "']'" : "'}'") + " with no matching opening one");
    }
    depth--;
    int t = single((int) (pos - base), array ? END_ARRAY : END_OBJECT);
    afterValue();
    return t;
  }

  private void afterValue() {
    state = depth == 0 ? ROOT : COMMA;
  }

  private int literal(int i, byte[] word, int t) throws IOException {
    int n = word.length;
    for (int k = 1; k < n; k++) {
      if (i + k >= limit) {
        return cut("a literal");
      }
      if (window[i + k] != word[k]) {
        throw malformed("an unknown literal");
      }
    }
    if (i + n < limit) {
      if (!mayEndAScalar(window[i + n])) {
        throw malformed("an unknown literal");
      }
    } else if (!endOfInput) {
      return token = NOT_AVAILABLE;
    }
    return scalar(i, i + n, t);
  }

  /** Jackson's rule for what may follow a literal or a lone zero: a byte below '0', ']' or '}'. */
  private static boolean mayEndAScalar(byte b) {
    return (b & 0xFF) < '0' || b == ']' || b == '}';
  }

  private int scalar(int from, int to, int t) {
    start = base + from;
    end = pos = base + to;
    afterValue();
    return token = t;
  }

  /** Whatever is cut where the input will go on: read again when it does. */
  private int cut(String what) throws IOException {
    if (endOfInput) {
      throw malformed("the body ended inside " + what);
    }
    return token = NOT_AVAILABLE;
  }

  private int number(int i) throws IOException {
    byte[] w = window;
    int n = limit;
    int j = i;
    if (w[j] == '-') {
      j++;
    }
    if (j >= n) {
      return cut("a number");
    }
    byte b = w[j];
    int intStart = j;
    if (b == '0') {
      j++;
    } else if (b >= '1' && b <= '9') {
      j = digits(j + 1);
    } else {
      throw malformed("a malformed number");
    }
    // Jackson's limit counts digits: of the integer part for an int, of all parts for a float
    int digits = j - intStart;
    boolean zero = b == '0';
    boolean fraction = false;
    if (j < n && w[j] == '.') {
      fraction = true;
      int from = j + 1;
      if ((j = someDigits(from)) < 0) {
        return cut("a number");
      }
      digits += j - from;
    }
    if (j < n && (w[j] == 'e' || w[j] == 'E')) {
      fraction = true;
      j++;
      if (j < n && (w[j] == '+' || w[j] == '-')) {
        j++;
      }
      int from = j;
      if ((j = someDigits(from)) < 0) {
        return cut("a number");
      }
      digits += j - from;
    }
    if (digits > MAX_NUMBER_LENGTH) {
      throw malformed("a number longer than the limit of " + MAX_NUMBER_LENGTH + " digits");
    }
    if (j >= n) {
      // the byte after it says whether the number goes on
      if (!endOfInput) {
        return token = NOT_AVAILABLE;
      }
    } else if (w[j] >= '0' && w[j] <= '9') {
      throw malformed("a number with leading zeros");
    } else if (zero && !fraction && !mayEndAScalar(w[j])) {
      throw malformed("a malformed number");
    }
    return scalar(i, j, fraction ? NUMBER_FLOAT : NUMBER_INT);
  }

  /** The end of one or more digits from {@code j}; -1 when the window ends first. */
  private int someDigits(int j) throws IOException {
    if (j >= limit) {
      return -1;
    }
    if (window[j] < '0' || window[j] > '9') {
      throw malformed("a malformed number");
    }
    return digits(j + 1);
  }

  private int digits(int j) {
    byte[] w = window;
    int n = limit;
    while (j < n && w[j] >= '0' && w[j] <= '9') {
      j++;
    }
    return j;
  }

  /**
   * A string or name starting at window index {@code i}; resumes a scan the window's end cut.
   * Checks every escape and UTF-8 sequence, counting chars as Java does (two for a supplementary
   * code point).
   */
  private int string(int i, int t) throws IOException {
    long at = base + i;
    int j;
    int count;
    boolean esc;
    boolean plain;
    if (partStart == at) {
      j = (int) (partScanned - base);
      count = partChars;
      esc = partEscaped;
      plain = partAscii;
    } else {
      j = i + 1;
      count = 0;
      esc = false;
      plain = true;
    }
    byte[] w = window;
    int n = limit;
    int max = t == FIELD_NAME ? MAX_NAME_LENGTH : maxStringLength;
    while (true) {
      // the common run of plain ASCII
      int k = j;
      while (k < n && IN_STRING[w[k] & 0xFF] == PLAIN) {
        k++;
      }
      count += k - j;
      j = k;
      if (count > max) {
        throw tooLong(t, max);
      }
      if (j >= n) {
        return partial(at, j, count, esc, plain);
      }
      switch (IN_STRING[w[j] & 0xFF]) {
        case QUOTE -> {
          partStart = -1;
          start = at;
          end = pos = base + j + 1;
          chars = count;
          escaped = esc;
          ascii = plain;
          token = t;
          textLength = -1;
          if (t == STRING) {
            afterValue();
          } else {
            checkName(j - i - 1);
            state = COLON;
          }
          return t;
        }
        case BACKSLASH -> {
          if (j + 1 >= n) {
            return partial(at, j, count, esc, plain);
          }
          byte e = w[j + 1];
          if (e == 'u') {
            if (j + 6 > n) {
              return partial(at, j, count, esc, plain);
            }
            for (int h = j + 2; h < j + 6; h++) {
              if (hex(w[h]) < 0) {
                throw malformed("a malformed \\u escape in a string");
              }
            }
            j += 6;
          } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
            j += 2;
          } else {
            throw malformed("an unknown escape in a string");
          }
          count++;
          esc = true;
        }
        case CONTROL -> throw malformed("an unescaped control character in a string");
        case INVALID -> throw malformed("a byte that is not UTF-8 in a string");
        default -> {
          int len = utf8Length(w, j, n);
          if (len == 0) {
            return partial(at, j, count, esc, plain);
          }
          count += len == 4 ? 2 : 1;
          j += len;
          plain = false;
        }
      }
    }
  }

  /**
   * Holds a name to Jackson's rules for names, which are not its rules for strings: at most
   * {@value #MAX_NAME_LENGTH} bytes of UTF-8 once decoded, and no escaped half of a surrogate pair.
   */
  private void checkName(int inputBytes) throws IOException {
    if (!escaped) {
      if (inputBytes > MAX_NAME_LENGTH) {
        throw tooLong(FIELD_NAME, MAX_NAME_LENGTH);
      }
      return;
    }
    decode();
    char[] c = text;
    int bytes = 0;
    for (int k = 0; k < textLength; k++) {
      char ch = c[k];
      if (Character.isHighSurrogate(ch) && k + 1 < textLength && Character.isLowSurrogate(c[k + 1])) {
        bytes += 4;
        k++;
      } else if (Character.isSurrogate(ch)) {
        throw malformed("a field name with half of a surrogate pair");
      } else {
        bytes += ch < 0x80 ? 1 : ch < 0x800 ? 2 : 3;
      }
    }
    if (bytes > MAX_NAME_LENGTH) {
      throw tooLong(FIELD_NAME, MAX_NAME_LENGTH);
    }
  }

  /** The length of the UTF-8 sequence at {@code j}, 0 if the window cuts it; fails if invalid. */
  private static int utf8Length(byte[] w, int j, int n) throws IOException {
    int lead = w[j] & 0xFF;
    int len = IN_STRING[lead] == LEAD2 ? 2 : IN_STRING[lead] == LEAD3 ? 3 : 4;
    // the second byte's range excludes overlong forms, surrogates and code points past U+10FFFF
    int lo = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    int hi = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    for (int k = 1; k < len; k++) {
      if (j + k >= n) {
        return 0;
      }
      int c = w[j + k] & 0xFF;
      if (k == 1 ? c < lo || c > hi : (c & 0xC0) != 0x80) {
        throw malformed("a byte that is not UTF-8 in a string");
      }
    }
    return len;
  }

  private int partial(long at, int j, int count, boolean esc, boolean plain) throws IOException {
    if (endOfInput) {
      throw malformed("the body ended inside a string");
    }
    partStart = at;
    partScanned = base + j;
    partChars = count;
    partEscaped = esc;
    partAscii = plain;
    return token = NOT_AVAILABLE;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  // ---- the current token's text

  /** The chars of the current string, name or number, from index 0: valid until the next call. */
  char[] textChars() {
    decode();
    return text;
  }

  int textLength() {
    decode();
    return textLength;
  }

  /** The current token's text as a string. */
  String text() {
    decode();
    return new String(text, 0, textLength);
  }

  /**
   * The current name or string as a field name of {@code names}: found by its bytes when it is
   * short plain ASCII, so names and the values that name things (kinds, env var names) mostly cost
   * one lookup and no string. Never for a value that may be a secret, which the cache would keep
   * past its body.
   */
  FieldName field(SensitiveNames names) {
    if (ascii && !escaped && chars <= SHARED_LENGTH) {
      return names.field(window, (int) (start + 1 - base), chars);
    }
    if (chars <= SHARED_LENGTH && decodedAscii()) {
      // escaped but ASCII once decoded (managedFields' k:{\"name\":\"web\"} keys): by its
      // decoded bytes, as above, rather than a string per occurrence
      return names.field(nameBytes, 0, textLength);
    }
    return names.field(text());
  }

  // the decoded name's bytes when every char of it is ASCII
  private final byte[] nameBytes = new byte[SHARED_LENGTH];

  private boolean decodedAscii() {
    decode();
    char[] c = text;
    int n = textLength; // a string's decoded length is chars: within nameBytes, as field() checked
    for (int k = 0; k < n; k++) {
      if (c[k] >= 0x80) {
        return false;
      }
      nameBytes[k] = (byte) c[k];
    }
    return true;
  }

  private void decode() {
    if (textLength >= 0) {
      return;
    }
    if (token == NOT_AVAILABLE || token == END) {
      throw new IllegalStateException("no current token");
    }
    boolean string = token == STRING || token == FIELD_NAME;
    int from = (int) ((string ? start + 1 : start) - base);
    int to = (int) ((string ? end - 1 : end) - base);
    int n = string ? chars : to - from;
    if (text.length < n) {
      char[] bigger = SPARE_TEXT.take(Math.max(Math.max(n, text.length * 2), 256));
      release();
      text = bigger;
    }
    byte[] w = window;
    char[] c = text;
    if (!string || (ascii && !escaped)) {
      for (int k = 0; k < n; k++) {
        c[k] = (char) w[from + k];
      }
    } else {
      int o = 0;
      int j = from;
      while (j < to) {
        int b = w[j] & 0xFF;
        if (b == '\\') {
          byte e = w[j + 1];
          if (e == 'u') {
            c[o++] = (char) ((hex(w[j + 2]) << 12) | (hex(w[j + 3]) << 8) | (hex(w[j + 4]) << 4) | hex(w[j + 5]));
            j += 6;
          } else {
            c[o++] = switch (e) {
              case 'b' -> '\b';
              case 'f' -> '\f';
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              default -> (char) e; // '"', '\\', '/'
            };
            j += 2;
          }
        } else if (b < 0x80) {
          c[o++] = (char) b;
          j++;
        } else if (b < 0xE0) {
          c[o++] = (char) (((b & 0x1F) << 6) | (w[j + 1] & 0x3F));
          j += 2;
        } else if (b < 0xF0) {
          c[o++] = (char) (((b & 0x0F) << 12) | ((w[j + 1] & 0x3F) << 6) | (w[j + 2] & 0x3F));
          j += 3;
        } else {
          int cp = ((b & 0x07) << 18) | ((w[j + 1] & 0x3F) << 12) | ((w[j + 2] & 0x3F) << 6) | (w[j + 3] & 0x3F);
          c[o++] = Character.highSurrogate(cp);
          c[o++] = Character.lowSurrogate(cp);
          j += 4;
        }
      }
    }
    textLength = n;
  }

  private static Malformed tooLong(int t, int max) {
    return malformed(t == FIELD_NAME
        ? "a field name longer than the limit of " + max + " bytes"
        : "a string longer than the limit of " + max + " chars");
  }

  /** A failure to say to whoever reads the masker's errors: {@code why} must not quote input. */
  static Malformed malformed(String why) {
    return new Malformed("not valid JSON: " + why);
  }

  /** The body is not JSON the masker reads; the message never quotes it. */
  @SuppressWarnings("serial")
  static final class Malformed extends IOException {
    Malformed(String message) {
      super(message);
    }
  }
}

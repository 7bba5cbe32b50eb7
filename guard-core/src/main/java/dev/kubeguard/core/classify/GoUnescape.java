package dev.kubeguard.core.classify;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Go's {@code net/url.unescape}: percent-decoding exactly as kube-apiserver's Go runtime does it,
 * for a path ({@code URL.Path}, {@code PathUnescape}) or a query component ({@code QueryUnescape},
 * where {@code +} is a space).
 *
 * <p>Go decodes to bytes; a Java string can only hold what is valid UTF-8. Results whose bytes
 * are not valid UTF-8 are flagged {@link Decoded#exact() inexact} (decoded with replacement
 * characters) so callers can refuse them instead of comparing a lossy name.
 *
 * <p>Stateless and thread-safe. One pass over the input; no exceptions on the happy path.
 */
final class GoUnescape {

  private GoUnescape() {}

  /** A decoded string and whether it reproduces Go's bytes exactly. */
  record Decoded(String value, boolean exact) {}

  /**
   * Decodes {@code s[from, to)}. Returns {@code null} when Go reports an {@code EscapeError}: a
   * {@code %} not followed by two hex digits.
   */
  static Decoded unescape(String s, int from, int to, boolean queryComponent) {
    boolean needsWork = false;
    for (int i = from; i < to; ) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= to || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
          return null;
        }
        needsWork = true;
        i += 3;
      } else {
        if (c == '+' && queryComponent) {
          needsWork = true;
        }
        i++;
      }
    }
    if (!needsWork) {
      return new Decoded(s.substring(from, to), true);
    }
    byte[] bytes = new byte[utf8Length(s, from, to)];
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        bytes[n++] = (byte) (unhex(s.charAt(i + 1)) << 4 | unhex(s.charAt(i + 2)));
        i += 2;
      } else if (c == '+' && queryComponent) {
        bytes[n++] = ' ';
      } else if (c < 0x80) {
        bytes[n++] = (byte) c;
      } else {
        n = putUtf8(s, i, bytes, n);
        if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        }
      }
    }
    return decodeUtf8(bytes, n);
  }

  /** Whether a position starts a well-formed escape; used by callers that scan raw text. */
  static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int unhex(char c) {
    if (c <= '9') {
      return c - '0';
    }
    if (c <= 'F') {
      return c - 'A' + 10;
    }
    return c - 'a' + 10;
  }

  /** An upper bound on the decoded byte length: escapes shrink, other chars take their UTF-8 size. */
  private static int utf8Length(String s, int from, int to) {
    int len = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        len++;
      } else if (c < 0x800) {
        len += 2;
      } else {
        len += 3; // a surrogate pair takes 4 bytes for 2 chars: 3 + 3 is enough
      }
    }
    return len;
  }

  private static int putUtf8(String s, int i, byte[] out, int n) {
    int cp = s.codePointAt(i);
    if (cp < 0x800) {
      out[n++] = (byte) (0xC0 | (cp >> 6));
      out[n++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out[n++] = (byte) (0xE0 | (cp >> 12));
      out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      out[n++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      out[n++] = (byte) (0xF0 | (cp >> 18));
      out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      out[n++] = (byte) (0x80 | (cp & 0x3F));
    }
    return n;
  }

  private static Decoded decodeUtf8(byte[] bytes, int n) {
    if (isValidUtf8(bytes, n)) {
      return new Decoded(new String(bytes, 0, n, StandardCharsets.UTF_8), true);
    }
    return new Decoded(new String(bytes, 0, n, StandardCharsets.UTF_8), false);
  }

  /** Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF), as Go's utf8.Valid. */
  static boolean isValidUtf8(byte[] b, int n) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < n; i++) {
      if (b[i] < 0) {
        try {
          CharBuffer unused = decoder.decode(ByteBuffer.wrap(b, 0, n));
          return unused != null;
        } catch (CharacterCodingException e) {
          return false;
        }
      }
    }
    return true;
  }
}

package dev.kubeguard.core.mask;

/**
 * Recognises the body lines of a PEM private key whose BEGIN line is not in the stream: a log
 * fetched with {@code tailLines} or {@code sinceTime} that starts mid-key. Text streams only
 * ({@link TextMaskingStream}); JSON strings never get this rule, because a lone base64 value
 * there is data, not a log line.
 *
 * <p>A line is a body line when, after an optional {@code kubectl logs --timestamps} timestamp and
 * indentation, it is nothing but base64 and
 *
 * <ul>
 *   <li>a full line: 40 to 76 characters (PEM writes 64, OpenSSH 70, MIME 76) with upper case,
 *       lower case and a digit or {@code +}/{@code /}, and Shannon entropy of at least 4 bits per
 *       character (random base64 of 40 characters shows 4.2 at the least; hex digests, which
 *       lack upper case anyway, cannot exceed 4);
 *   <li>or the short last line: its length a multiple of 4, ending in {@code =}, 8 or more
 *       characters with two character classes and entropy of at least 2.5;
 *   <li>or, right after a body line or right before a private key's END line, any base64 line
 *       whose length is a multiple of 4 and that is not a lower-case word (the last line of a
 *       key, however short; the stream holds such a line back one line to see what follows).
 * </ul>
 *
 * Lines inside a BEGIN CERTIFICATE (or other public) block are the caller's to exempt. Stateless
 * static functions; thread-safe.
 */
final class PemBodyLines {

  private PemBodyLines() {}

  /** Where the base64 payload of {@code line} is: {@code [start, end)}, or {@code null} if it is not one. */
  static int[] payload(String line) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\n') {
      end--;
    }
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    int start = skipTimestamp(line, end);
    while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
      start++;
    }
    if (end - start < 4 || end - start > 76) {
      return null;
    }
    int pad = 0;
    for (int i = start; i < end; i++) {
      char c = line.charAt(i);
      if (c == '=') {
        pad++;
      } else if (pad > 0 || !base64(c)) {
        return null; // padding only at the end
      }
    }
    return pad > 2 ? null : new int[] {start, end};
  }

  /** Whether the payload {@code [start, end)} of a line is a private-key body line on its own. */
  static boolean body(String line, int start, int end) {
    int n = end - start;
    if (n >= 40) {
      return classes(line, start, end) == 7 && ValueShape.entropy(line, start, end) >= 4.0;
    }
    if (n >= 8 && n % 4 == 0 && line.charAt(end - 1) == '=') {
      return Integer.bitCount(classes(line, start, end)) >= 2 && ValueShape.entropy(line, start, end) >= 2.5;
    }
    return false;
  }

  /** Whether the payload can be the last line of a key that the previous line was a body line of. */
  static boolean continuation(String line, int start, int end) {
    return (end - start) % 4 == 0 && ValueShape.notLowerWord(line.subSequence(start, end));
  }

  /** Bit 1 upper case, bit 2 lower case, bit 4 digit or {@code +}/{@code /}. */
  private static int classes(String s, int start, int end) {
    int k = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        k |= 1;
      } else if (c >= 'a' && c <= 'z') {
        k |= 2;
      } else if (c != '=') {
        k |= 4;
      }
    }
    return k;
  }

  private static boolean base64(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  }

  /** After {@code 2006-01-02T15:04:05[.999999999](Z|+07:00) }, or 0 when the line has no such prefix. */
  private static int skipTimestamp(String s, int end) {
    if (end < 21 || !digits(s, 0, 4) || s.charAt(4) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':') {
      return 0;
    }
    int i = 19;
    if (i < end && s.charAt(i) == '.') {
      i++;
      while (i < end && Character.isDigit(s.charAt(i))) {
        i++;
      }
    }
    if (i < end && s.charAt(i) == 'Z') {
      i++;
    } else if (i + 6 <= end && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      i += 6;
    } else {
      return 0;
    }
    return i < end && s.charAt(i) == ' ' ? i + 1 : 0;
  }

  private static boolean digits(String s, int from, int n) {
    for (int i = from; i < from + n; i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}

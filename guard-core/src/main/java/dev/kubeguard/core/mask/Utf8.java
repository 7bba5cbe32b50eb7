package dev.kubeguard.core.mask;

/**
 * UTF-8 from chars into a caller's array, byte for byte what {@code String.getBytes(UTF_8)} gives
 * (a lone surrogate becomes {@code '?'}), so the masker can hash or re-parse a value without
 * making a String of it first. Stateless.
 */
final class Utf8 {

  private Utf8() {}

  /** Room enough for the UTF-8 of {@code len} chars. */
  static int maxLength(int len) {
    return len * 3;
  }

  /** Writes the UTF-8 of {@code c[off, off + len)} at the start of {@code b}; returns its length. */
  static int encode(char[] c, int off, int len, byte[] b) {
    int p = 0;
    int end = off + len;
    for (int i = off; i < end; i++) {
      char ch = c[i];
      if (ch < 0x80) {
        b[p++] = (byte) ch;
      } else if (ch < 0x800) {
        b[p++] = (byte) (0xC0 | (ch >> 6));
        b[p++] = (byte) (0x80 | (ch & 0x3F));
      } else if (Character.isHighSurrogate(ch) && i + 1 < end && Character.isLowSurrogate(c[i + 1])) {
        int cp = Character.toCodePoint(ch, c[++i]);
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(ch)) {
        b[p++] = '?'; // a lone surrogate: String.getBytes writes its replacement
      } else {
        b[p++] = (byte) (0xE0 | (ch >> 12));
        b[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (ch & 0x3F));
      }
    }
    return p;
  }
}

package dev.kubeguard.core.mask;

import java.util.Arrays;

/**
 * Decodes base64 exactly as {@code Base64.getMimeDecoder().decode(String)} does (RFC 2045: every
 * character outside the alphabet is skipped), but from a range of the parser's chars into the
 * caller's array. The JDK's decoder reads whole arrays only, so masking a Secret's value made a
 * copy of it first: one array per value, a third of what masking a SecretList allocated.
 * {@code MimeBase64Test} checks it against the JDK's decoder on every shape of input.
 *
 * <p>Stateless; thread-safe.
 */
final class MimeBase64 {

  private static final int SKIP = -1;
  private static final int PAD = -2;
  private static final int[] VALUE = new int[256];

  static {
    Arrays.fill(VALUE, SKIP);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUE[alphabet.charAt(i)] = i;
    }
    VALUE['='] = PAD;
  }

  private MimeBase64() {}

  /** The most bytes {@link #decode} writes for {@code len} chars. */
  static int maxDecodedLength(int len) {
    return (len / 4) * 3 + 3;
  }

  /**
   * Decodes {@code c[off, off + len)} into {@code dst} from 0 and returns how many bytes it wrote,
   * or -1 where the JDK's MIME decoder throws. A char past U+00FF is read as the JDK reads it from
   * a String, as ISO-8859-1's {@code '?'}: skipped.
   */
  static int decode(char[] c, int off, int len, byte[] dst) {
    int sp = off;
    int sl = off + len;
    int dp = 0;
    int bits = 0;
    int shiftTo = 18;
    while (sp < sl) {
      int b = value(c[sp++]);
      if (b < 0) {
        if (b == PAD) {
          // "xx==" needs its second '=' at once; "x=" or a unit starting with '=' is wrong
          if (shiftTo == 6 && (sp == sl || c[sp++] != '=') || shiftTo == 18) {
            return -1;
          }
          break;
        }
        continue;
      }
      bits |= b << shiftTo;
      shiftTo -= 6;
      if (shiftTo < 0) {
        dst[dp++] = (byte) (bits >> 16);
        dst[dp++] = (byte) (bits >> 8);
        dst[dp++] = (byte) bits;
        shiftTo = 18;
        bits = 0;
      }
    }
    if (shiftTo == 6) {
      dst[dp++] = (byte) (bits >> 16);
    } else if (shiftTo == 0) {
      dst[dp++] = (byte) (bits >> 16);
      dst[dp++] = (byte) (bits >> 8);
    } else if (shiftTo == 12) {
      return -1; // one lone char of a unit: not enough bits for a byte
    }
    while (sp < sl) {
      if (value(c[sp++]) >= 0) {
        return -1; // alphabet after the padding
      }
    }
    return dp;
  }

  private static int value(char ch) {
    return ch <= 0xff ? VALUE[ch] : SKIP;
  }
}

package dev.kubeguard.core.mask;

import dev.kubeguard.core.internal.SharedSlots;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns secret values into tokens {@code kubeguard-masked:<16 hex>}: the first 8 bytes of
 * HMAC-SHA256 under the masker's key. Keyed so that equal secrets give equal tokens within one
 * masker while nobody without the key can test a guess against a token.
 *
 * <p>Secret {@code data} values are hashed over their decoded bytes, so a password masks to the
 * same token in {@code data} (base64 of the token) and in {@code stringData} or the
 * last-applied annotation (the token itself).
 *
 * <p>A token made in one call borrows one of the {@link Keyed} HMACs the masker keeps for all
 * threads (a new one when none is free), so a response pays for no HMAC of its own, even on a
 * thread made for it, and writes its digest into this object's array ({@link HmacSha256}, not
 * {@code javax.crypto.Mac}, which allocates one per digest). Tokens that are kept with a JSON
 * stream's parts for the next body ({@link #kept}) borrow it once and keep it: a SecretList masks
 * thousands of values, and two atomic swaps per value were 7 % of its time. A piecewise token ({@link #update},
 * {@link #finish}: a PEM block spread over log chunks) keeps an HMAC of its own for the stream,
 * so streams that interleave on one thread never share a half-fed HMAC. Not thread-safe: one per
 * stream.
 */
final class MaskTokens {

  public static final String PREFIX = "kubeguard-masked:";
  /** The length of a token: {@link #PREFIX} and 16 hex digits. */
  static final int LENGTH = PREFIX.length() + 16;
  /** The length {@link #base64Into} writes: base64 of a token. */
  static final int BASE64_LENGTH = 4 * ((LENGTH + 2) / 3);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];

  private final Keyed keyed;
  private final boolean keepsMac;
  // the HMAC of tokens made in one call, when kept: never half-fed between calls
  private HmacSha256 whole;
  private HmacSha256 mac;
  // a value's bytes, and a token's, on their way to the HMAC and base64: made on first use
  // (a body with nothing to mask pays for none) and reused for the stream
  private byte[] scratch = EMPTY;
  private byte[] decoded = EMPTY;
  private byte[] token;
  private byte[] b64;
  private final byte[] digest = new byte[32];
  // a quoted token on its way into the output: shared by a stream's engine and its parts, each
  // copying it out before the next is written
  private byte[] quoted = EMPTY;

  public MaskTokens(SecretKeySpec key) {
    this(new Keyed(key), false);
  }

  /** Tokens for one stream: they borrow an HMAC per token and hand it back. */
  MaskTokens(Keyed keyed) {
    this(keyed, false);
  }

  private MaskTokens(Keyed keyed, boolean keepsMac) {
    this.keyed = keyed;
    this.keepsMac = keepsMac;
  }

  /**
   * Tokens that live as long as the parts they belong to, reused body after body: they keep the
   * first HMAC they borrow. Dropped with their parts when a stream fails.
   */
  static MaskTokens kept(Keyed keyed) {
    return new MaskTokens(keyed, true);
  }

  /**
   * The masker's key and the HMACs keyed with it that are lent, one caller at a time, to the
   * masker's streams on any thread; one more is made whenever none is free (a few are kept).
   */
  static final class Keyed {
    private final byte[] key;
    private final SharedSlots<HmacSha256> spare = new SharedSlots<>(8);

    Keyed(SecretKeySpec key) {
      this.key = key.getEncoded();
      spare.give(fresh()); // fails here, at the masker's build, if the platform has no SHA-256
    }

    /**
     * A reset HMAC for a token computed within one call (update and doFinal together), the
     * caller's until it hands it back with {@link #giveBack}.
     */
    HmacSha256 borrow() {
      HmacSha256 m = spare.take();
      return m != null ? m : fresh();
    }

    /** Takes back an HMAC {@link #borrow} lent, reset by its last doFinal; one that failed is not given back. */
    void giveBack(HmacSha256 m) {
      spare.give(m);
    }

    HmacSha256 fresh() {
      return new HmacSha256(key);
    }
  }

  private HmacSha256 mac() {
    if (mac == null) {
      mac = keyed.fresh();
    }
    return mac;
  }

  /**
   * Between bodies, when the stream's parts are kept for the next: the copies of the last body's
   * secrets (their UTF-8 and decoded bytes) are zeroed, and a buffer grown past {@link
   * #KEPT_BYTES} by a large value is dropped, so a kept stream holds neither plaintext nor much memory.
   */
  void putAway() {
    scratch = wipedOrDropped(scratch);
    decoded = wipedOrDropped(decoded);
    if (quoted.length > KEPT_BYTES) {
      quoted = EMPTY;
    }
  }

  private static final int KEPT_BYTES = 4096;

  private static byte[] wipedOrDropped(byte[] b) {
    if (b.length > KEPT_BYTES) {
      return EMPTY;
    }
    Arrays.fill(b, (byte) 0);
    return b;
  }

  /** Room for {@code n} bytes of a quoted token, valid until the next call. */
  byte[] quoted(int n) {
    if (quoted.length < n) {
      quoted = new byte[Math.max(n * 2, 64)];
    }
    return quoted;
  }

  /** The token of raw bytes. */
  public String ofBytes(byte[] b, int off, int len) {
    byte[] t = new byte[LENGTH];
    tokenInto(b, off, len, t, 0);
    return new String(t, StandardCharsets.US_ASCII);
  }

  /**
   * Writes the token of the text {@code c[off, off + len)} (its UTF-8 bytes, as {@link #ofText})
   * into {@code dst} at {@code at}; returns the position after it. Makes no String on the way.
   */
  int textInto(char[] c, int off, int len, byte[] dst, int at) {
    int n = utf8(c, off, len);
    return tokenInto(scratch, 0, n, dst, at);
  }

  /**
   * Writes what {@link #base64Of} returns for the text {@code c[off, off + len)} into {@code dst}
   * at {@code at} ({@link #BASE64_LENGTH} bytes); returns the position after it.
   */
  int base64Into(char[] c, int off, int len, byte[] dst, int at) {
    int need = MimeBase64.maxDecodedLength(len);
    if (decoded.length < need) {
      decoded = new byte[Math.max(Math.max(need, 48), decoded.length * 2)];
    }
    if (token == null) {
      token = new byte[LENGTH];
      b64 = new byte[BASE64_LENGTH];
    }
    // as Base64.getMimeDecoder().decode(String) reads it, without the copy of the value it needs
    byte[] raw = decoded;
    int n = MimeBase64.decode(c, off, len, decoded);
    if (n < 0) { // not base64: hashed as text
      n = utf8(c, off, len);
      raw = scratch;
    }
    tokenInto(raw, 0, n, token, 0);
    int w = Base64.getEncoder().encode(token, b64);
    System.arraycopy(b64, 0, dst, at, w);
    return at + w;
  }

  private int tokenInto(byte[] b, int off, int len, byte[] dst, int at) {
    HmacSha256 m = whole;
    // taken out while in use: one a failure left half-fed is never used again
    whole = null;
    if (m == null) {
      m = keyed.borrow();
    }
    m.update(b, off, len);
    m.doFinal(digest, 0);
    if (keepsMac) {
      whole = m;
    } else {
      keyed.giveBack(m);
    }
    return writeToken(digest, dst, at);
  }

  /** {@link #PREFIX} and the first 8 bytes of the HMAC {@code h} in hex, at {@code at}. */
  private static int writeToken(byte[] h, byte[] dst, int at) {
    System.arraycopy(PREFIX_BYTES, 0, dst, at, PREFIX_BYTES.length);
    int p = at + PREFIX_BYTES.length;
    for (int i = 0; i < 8; i++) {
      dst[p++] = HEX[(h[i] >> 4) & 0xf];
      dst[p++] = HEX[h[i] & 0xf];
    }
    return p;
  }

  /** UTF-8 of {@code c[off, off + len)} into {@link #scratch}, exactly as String.getBytes(UTF_8). */
  private int utf8(char[] c, int off, int len) {
    room(Utf8.maxLength(len));
    return Utf8.encode(c, off, len, scratch);
  }

  private void room(int n) {
    if (scratch.length < n) {
      scratch = new byte[Math.max(Math.max(n, 64), scratch.length * 2)];
    }
  }

  /** The token of a string value (its UTF-8 bytes). */
  public String ofText(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return ofBytes(b, 0, b.length);
  }

  /**
   * For a base64 field: base64 of the token of the decoded bytes, so the value stays valid
   * base64. A value that is not base64 is hashed as text; it is masked all the same.
   */
  public String base64Of(String base64Value) {
    char[] c = base64Value.toCharArray();
    byte[] out = new byte[BASE64_LENGTH];
    base64Into(c, 0, c.length, out, 0);
    return new String(out, StandardCharsets.US_ASCII);
  }

  /** Feeds bytes into a token computed piecewise (a PEM block in a log stream). */
  public void update(byte[] b, int off, int len) {
    mac().update(b, off, len);
  }

  /** Ends a piecewise token. */
  public String finish() {
    byte[] t = new byte[LENGTH];
    mac().doFinal(digest, 0);
    writeToken(digest, t, 0);
    return new String(t, StandardCharsets.US_ASCII);
  }
}

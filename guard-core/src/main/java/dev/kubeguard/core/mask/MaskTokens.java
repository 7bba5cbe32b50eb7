package dev.kubeguard.core.mask;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
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
 * <p>The HMAC is a clone of the masker's {@link Keyed} prototype, made on the first token: a body
 * with nothing to mask never pays for one, and the key schedule is computed once per masker
 * instead of once per response. Not thread-safe: one per stream.
 */
final class MaskTokens {

  public static final String PREFIX = "kubeguard-masked:";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Keyed keyed;
  private Mac mac;

  public MaskTokens(SecretKeySpec key) {
    this(new Keyed(key));
  }

  MaskTokens(Keyed keyed) {
    this.keyed = keyed;
  }

  /**
   * An HMAC-SHA256 initialised with the masker's key, never used itself: streams take clones.
   * Immutable once built (clone only reads it), so it is shared across threads.
   */
  static final class Keyed {
    private final SecretKeySpec key;
    private final Mac prototype;

    Keyed(SecretKeySpec key) {
      this.key = key;
      this.prototype = init(key);
    }

    Mac fresh() {
      try {
        return (Mac) prototype.clone();
      } catch (CloneNotSupportedException e) {
        // a provider whose HMAC cannot be cloned: one keyed per stream, as before
        return init(key);
      }
    }

    private static Mac init(SecretKeySpec key) {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(key);
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    }
  }

  private Mac mac() {
    if (mac == null) {
      mac = keyed.fresh();
    }
    return mac;
  }

  /** The token of raw bytes. */
  public String ofBytes(byte[] b, int off, int len) {
    mac().update(b, off, len);
    return finish();
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
    byte[] raw;
    try {
      raw = Base64.getMimeDecoder().decode(base64Value);
    } catch (IllegalArgumentException e) {
      raw = base64Value.getBytes(StandardCharsets.UTF_8);
    }
    String token = ofBytes(raw, 0, raw.length);
    return Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.US_ASCII));
  }

  /** Feeds bytes into a token computed piecewise (a PEM block in a log stream). */
  public void update(byte[] b, int off, int len) {
    mac().update(b, off, len);
  }

  /** Ends a piecewise token. */
  public String finish() {
    byte[] h = mac().doFinal();
    char[] out = new char[PREFIX.length() + 16];
    PREFIX.getChars(0, PREFIX.length(), out, 0);
    for (int i = 0; i < 8; i++) {
      out[PREFIX.length() + 2 * i] = HEX[(h[i] >> 4) & 0xf];
      out[PREFIX.length() + 2 * i + 1] = HEX[h[i] & 0xf];
    }
    return new String(out);
  }
}

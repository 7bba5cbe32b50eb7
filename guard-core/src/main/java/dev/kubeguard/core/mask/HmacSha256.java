package dev.kubeguard.core.mask;

import dev.kubeguard.core.internal.Sha256;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) over the JDK's SHA-256 {@link MessageDigest}, writing each MAC into the
 * caller's array. {@code javax.crypto.Mac} computes the same bytes but allocates a fresh digest
 * array in every {@code doFinal}, whichever overload is called: one per masked value, half of
 * what masking a SecretList allocated. This class adds no cryptography of its own: it feeds the
 * key pads and the inner digest to SHA-256 exactly as RFC 2104 and the JDK's {@code HmacCore} do
 * ({@code HmacSha256Test} checks it against {@code Mac} and RFC 4231's vectors).
 *
 * <p><b>Threading:</b> not thread-safe: one caller at a time. <b>Failure:</b> the constructor
 * throws {@link IllegalStateException} when the platform has no SHA-256 (every Java SE platform
 * must have it); nothing else throws.
 */
final class HmacSha256 {

  static final int LENGTH = 32;
  private static final int BLOCK = 64;

  private final MessageDigest sha;
  private final byte[] innerPad = new byte[BLOCK];
  private final byte[] outerPad = new byte[BLOCK];
  private final byte[] inner = new byte[LENGTH];
  // whether the inner pad is already in the digest for the message being fed
  private boolean started;

  HmacSha256(byte[] key) {
    sha = Sha256.newDigest();
    byte[] k = key.length > BLOCK ? sha.digest(key) : key;
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      innerPad[i] = (byte) (b ^ 0x36);
      outerPad[i] = (byte) (b ^ 0x5c);
    }
    if (k != key) {
      Arrays.fill(k, (byte) 0);
    }
  }

  /** Feeds {@code b[off, off + len)} to the MAC being computed. */
  void update(byte[] b, int off, int len) {
    start();
    sha.update(b, off, len);
  }

  /**
   * Writes the MAC of everything fed since the last {@code doFinal} into {@code out} at {@code
   * off} ({@link #LENGTH} bytes) and starts over.
   */
  void doFinal(byte[] out, int off) {
    start();
    started = false;
    try {
      sha.digest(inner, 0, LENGTH);
      sha.update(outerPad, 0, BLOCK);
      sha.update(inner, 0, LENGTH);
      sha.digest(out, off, LENGTH);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 gave no 32-byte digest", e);
    }
  }

  private void start() {
    if (!started) {
      sha.update(innerPad, 0, BLOCK);
      started = true;
    }
  }
}

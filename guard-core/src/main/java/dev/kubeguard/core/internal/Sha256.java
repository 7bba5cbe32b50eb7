package dev.kubeguard.core.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * New SHA-256 digests, for the audit chain, the approval request digest and the masker's HMAC.
 * Every Java SE runtime must provide SHA-256, so its absence is an {@link IllegalStateException},
 * not a checked exception each caller handles alike. Stateless; each digest is its caller's alone.
 */
public final class Sha256 {

  private Sha256() {}

  /** A new SHA-256 digest. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("a Java runtime without SHA-256", e);
    }
  }
}

package dev.kubeguard.core;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Audit ids: random (version 4, variant 2) UUIDs, as {@code UUID.randomUUID()} makes them and as
 * kube-apiserver's own {@code Audit-ID}s are, from a {@link SecureRandom} read 512 bytes at a time
 * rather than 16 per request: {@code randomUUID} cost a read of the platform generator and about
 * 200 bytes of garbage on every request, a tenth of a small request's allocation.
 *
 * <p><b>Threading:</b> thread-safe; {@link #next} holds a lock for as long as it takes to copy 16
 * bytes (and, every 32nd id, to refill). <b>Failure:</b> none beyond {@link SecureRandom}'s own.
 */
final class AuditIds {

  private static final int POOL_BYTES = 512;

  private final SecureRandom random = new SecureRandom();
  private final byte[] pool = new byte[POOL_BYTES];
  private int at = POOL_BYTES;

  /** A new random UUID in its canonical 36-character form. */
  String next() {
    long msb;
    long lsb;
    synchronized (this) {
      if (at == POOL_BYTES) {
        random.nextBytes(pool);
        at = 0;
      }
      msb = longAt(at);
      lsb = longAt(at + 8);
      at += 16;
    }
    msb = (msb & ~0xF000L) | 0x4000L; // version 4
    lsb = (lsb & ~(0xC0L << 56)) | (0x80L << 56); // variant 2 (IETF)
    return new UUID(msb, lsb).toString();
  }

  private long longAt(int i) {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (pool[i + k] & 0xFF);
    }
    return v;
  }
}

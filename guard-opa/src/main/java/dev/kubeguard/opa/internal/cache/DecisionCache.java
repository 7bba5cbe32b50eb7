package dev.kubeguard.opa.internal.cache;

import dev.kubeguard.api.Decision;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A short-lived, size-bounded cache of OPA decisions keyed by the SHA-256 of the canonical input
 * (so a 1 MiB request body costs 32 bytes of key, not 1 MiB). Entries expire {@code ttl} after
 * they were stored; past {@code maxEntries} the least recently used entry goes. Thread-safe: one
 * lock around a small map, held for a lookup or an insert only.
 */
public final class DecisionCache {

  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<String, Entry> entries;

  private record Entry(Decision decision, long storedAt) {}

  public DecisionCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
    if (ttl == null || ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("decision cache ttl must be positive, got " + ttl);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("decision cache must hold at least 1 entry, got " + maxEntries);
    }
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /** The cached decision for {@code canonicalInput}, or {@code null} when absent or expired. */
  public Decision get(byte[] canonicalInput) {
    String key = key(canonicalInput);
    long now = nanoTime.getAsLong();
    synchronized (entries) {
      Entry e = entries.get(key);
      if (e == null) {
        return null;
      }
      if (now - e.storedAt >= ttlNanos) {
        entries.remove(key);
        return null;
      }
      return e.decision;
    }
  }

  /** Stores {@code decision} for {@code canonicalInput}. */
  public void put(byte[] canonicalInput, Decision decision) {
    String key = key(canonicalInput);
    long now = nanoTime.getAsLong();
    synchronized (entries) {
      entries.put(key, new Entry(decision, now));
    }
  }

  /** How many entries are held, expired ones included until touched or evicted. */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private static String key(byte[] canonicalInput) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalInput));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}

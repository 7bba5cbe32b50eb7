package dev.kubeguard.core.mask;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A thread's strings for the short plain ASCII names (and kinds, env var names) it has read, by
 * their bytes: the same hundred or so names recur in every object of every body, so most names
 * cost no string, and equal names are mostly the same instance. A cache only: each hit is
 * compared byte by byte; a name that finds its set of {@link #WAYS} slots full replaces one of
 * them in turn (with two slots a hash, a third name on the same pair evicted one of the others
 * at every occurrence: twice the bytes per PodList). At most {@link #SIZE} names of at most
 * {@link #MAX_LENGTH} bytes, under 100 KB a thread. Names are not secrets; callers never pass
 * a value that may be one. Thread-confined.
 */
final class SharedNames {

  static final int MAX_LENGTH = 64;
  private static final int SIZE = 512;
  private static final int WAYS = 4;

  private static final ThreadLocal<SharedNames> PER_THREAD = ThreadLocal.withInitial(SharedNames::new);

  private final byte[][] bytes = new byte[SIZE][];
  private final String[] strings = new String[SIZE];
  private int evictions;

  private SharedNames() {}

  static SharedNames forThisThread() {
    return PER_THREAD.get();
  }

  /** The string of the ASCII bytes {@code w[from, from + n)}, {@code n <= MAX_LENGTH}. */
  String of(byte[] w, int from, int n) {
    int h = n;
    for (int k = from; k < from + n; k++) {
      h = 31 * h + w[k];
    }
    int set = ((h ^ (h >>> 16)) & (SIZE / WAYS - 1)) * WAYS;
    int free = -1;
    for (int s = set; s < set + WAYS; s++) {
      byte[] b = bytes[s];
      if (b == null) {
        free = free < 0 ? s : free;
      } else if (Arrays.equals(b, 0, b.length, w, from, from + n)) {
        return strings[s];
      }
    }
    String str = new String(w, from, n, StandardCharsets.ISO_8859_1);
    int s = free >= 0 ? free : set + (evictions++ & (WAYS - 1));
    bytes[s] = Arrays.copyOfRange(w, from, from + n);
    strings[s] = str;
    return str;
  }
}

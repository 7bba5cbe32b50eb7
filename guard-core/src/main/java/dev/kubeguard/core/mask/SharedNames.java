package dev.kubeguard.core.mask;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The {@link FieldName}s of the short plain ASCII names (and kinds, env var names) masked bodies
 * hold, by their bytes, shared by every thread: the same hundred or so names recur in every object
 * of every body, so a name costs one lookup from its bytes (no string, no second lookup by the
 * string), and equal names are mostly the same instance. One per {@link SensitiveNames} (a
 * masker's profile), not one per thread: a client that runs each request on a new thread
 * (fabric8's JDK client on two cores) would otherwise rebuild the table, and every name in it, per
 * request. A cache only: each hit is compared byte by byte; a name that finds its set of {@link #WAYS} slots
 * full replaces one of them in turn (with two slots a hash, a third name on the same pair evicted
 * one of the others at every occurrence: twice the bytes per PodList). At most {@link #SIZE} names
 * of at most {@link #MAX_LENGTH} bytes, under 100 KB. Names are not secrets; callers never pass a
 * value that may be one.
 *
 * <p><b>Threading:</b> thread-safe without locks. A slot holds an immutable {@link Entry} (its
 * fields final, its bytes copied before it is published), so a reader sees a whole entry or none;
 * threads that store into the same slot at once just leave one of their entries there.
 */
final class SharedNames {

  static final int MAX_LENGTH = 64;
  private static final int SIZE = 512;
  private static final int WAYS = 4;

  private final Entry[] slots = new Entry[SIZE];
  private final Function<String, FieldName> make;
  private int evictions; // racy on purpose: only spreads evictions over a set's slots

  private record Entry(byte[] bytes, FieldName field) {}

  /** @param make the field name of a string, for names not in the table */
  SharedNames(Function<String, FieldName> make) {
    this.make = make;
  }

  /** The field name of the ASCII bytes {@code w[from, from + n)}, {@code n <= MAX_LENGTH}. */
  FieldName of(byte[] w, int from, int n) {
    int h = n;
    for (int k = from; k < from + n; k++) {
      h = 31 * h + w[k];
    }
    int set = ((h ^ (h >>> 16)) & (SIZE / WAYS - 1)) * WAYS;
    int free = -1;
    for (int s = set; s < set + WAYS; s++) {
      Entry e = slots[s];
      if (e == null) {
        free = free < 0 ? s : free;
      } else if (Arrays.equals(e.bytes, 0, e.bytes.length, w, from, from + n)) {
        return e.field;
      }
    }
    FieldName field = make.apply(new String(w, from, n, StandardCharsets.ISO_8859_1));
    int s = free >= 0 ? free : set + (evictions++ & (WAYS - 1));
    slots[s] = new Entry(Arrays.copyOfRange(w, from, from + n), field);
    return field;
  }
}

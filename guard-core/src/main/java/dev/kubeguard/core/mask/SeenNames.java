package dev.kubeguard.core.mask;

import java.util.Arrays;
import java.util.HashSet;

/**
 * The field names one open object has had, to refuse a duplicate key (a client may read it
 * differently from the masker). It replaces Jackson's {@code STRICT_DUPLICATE_DETECTION}, which
 * builds a new {@code HashSet} for every object of three or more fields; this one is reused with
 * its frame: a short scan while the object is small (names are canonical strings, so equal names
 * are mostly the same instance), a set past {@link #SCAN}. Not thread-safe.
 */
final class SeenNames {

  private static final int SCAN = 16;

  private static final String[] NONE = new String[0];

  // grows to SCAN as the object gets fields: most objects have a handful
  private String[] names = NONE;
  private int count;
  private HashSet<String> many;

  void clear() {
    if (count > 0) {
      Arrays.fill(names, 0, Math.min(count, SCAN), null);
    }
    if (many != null) {
      many = null;
    }
    count = 0;
  }

  /** Records {@code name}; false when the object already had it. */
  boolean add(String name) {
    if (count < SCAN) {
      for (int i = 0; i < count; i++) {
        if (names[i].equals(name)) {
          return false;
        }
      }
      if (count == names.length) {
        names = Arrays.copyOf(names, Math.min(SCAN, Math.max(4, count * 2)));
      }
      names[count++] = name;
      return true;
    }
    if (many == null) {
      many = new HashSet<>(Arrays.asList(names));
    }
    if (!many.add(name)) {
      return false;
    }
    count++;
    return true;
  }
}

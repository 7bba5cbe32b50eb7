package dev.kubeguard.core.policy;

import java.util.List;
import java.util.Map;

/**
 * Rule arrays keyed by a string: a rule's resource entry ({@code pods}, {@code pods/log}), a
 * subresource, or a non-resource URL. A resource is looked up by a request's {@code resource} and
 * {@code subresource} without building {@code resource/subresource}:
 * the key's hash is {@link String#hashCode} of that concatenation, computed from the two parts, and
 * a hit is checked with {@link RuleMatch#equalsCombined}, so the answer is exactly that of a map
 * keyed by the concatenated string, for any strings (slashes inside either part included). Open
 * addressing over flat arrays: a lookup reads hashes until an empty slot, and a key only where
 * the hash matches.
 *
 * <p>Immutable and thread-safe; a lookup allocates nothing.
 */
final class RuleTable {
  static final RuleTable EMPTY = new RuleTable(Map.of());

  private final int[] hashes;
  private final String[] keys;
  private final CompiledRule[][] values;
  private final int mask;
  private final int size;

  private RuleTable(Map<String, List<CompiledRule>> byKey) {
    // A power of two above twice the entries, so a probe always reaches an empty slot soon.
    int capacity = Integer.highestOneBit(byKey.size() * 2 + 1) << 1;
    this.hashes = new int[capacity];
    this.keys = new String[capacity];
    this.values = new CompiledRule[capacity][];
    this.mask = capacity - 1;
    this.size = byKey.size();
    byKey.forEach((k, v) -> {
      int h = k.hashCode();
      int i = spread(h) & mask;
      while (keys[i] != null) {
        i = (i + 1) & mask;
      }
      hashes[i] = h;
      keys[i] = k;
      values[i] = v.toArray(CompiledRule[]::new);
    });
  }

  static RuleTable of(Map<String, List<CompiledRule>> byKey) {
    return byKey.isEmpty() ? EMPTY : new RuleTable(byKey);
  }

  /** The rules filed under {@code key}, or {@code null}. */
  CompiledRule[] get(String key) {
    return get(key, "");
  }

  /**
   * The rules filed under {@code resource} when {@code subresource} is empty, else under {@code
   * resource + "/" + subresource}; {@code null} when none are.
   */
  CompiledRule[] get(String resource, String subresource) {
    if (size == 0) {
      return null;
    }
    int h = resource.hashCode();
    if (!subresource.isEmpty()) {
      h = 31 * h + '/';
      for (int i = 0; i < subresource.length(); i++) {
        h = 31 * h + subresource.charAt(i);
      }
    }
    for (int i = spread(h) & mask; keys[i] != null; i = (i + 1) & mask) {
      if (hashes[i] == h && RuleMatch.equalsCombined(keys[i], resource, subresource)) {
        return values[i];
      }
    }
    return null;
  }

  /** As HashMap does: the high bits matter too, for a small table of similar names. */
  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}

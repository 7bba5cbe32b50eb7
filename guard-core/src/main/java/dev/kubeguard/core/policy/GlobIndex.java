package dev.kubeguard.core.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Glob patterns (each with the rules filed under it) arranged so that a lookup only tests the
 * patterns that could match the string asked about, instead of every pattern in turn. Each
 * pattern is filed under its longer literal end: its prefix (text before the first {@code *})
 * in a character trie walked from the start of the string, or its suffix (text after the last
 * {@code *}) in a trie walked from the end. A lookup walks each trie along the string, so it sees
 * only patterns whose anchor the string starts (or ends) with, and tests those in full. Patterns
 * with no literal end ({@code *}, {@code *x*}) are tested one by one; policies rarely have more
 * than a few.
 *
 * <p>The index narrows, it never decides: every pattern it reports has matched in full ({@link
 * Glob#matches}), and every pattern that matches is reported, once per lookup.
 *
 * <p>Immutable and thread-safe once built; a lookup allocates nothing.
 *
 * @param <V> what is filed under each pattern
 */
final class GlobIndex<V extends GlobIndex.Target> {

  /** Rules filed under one pattern, offered to a decision's accumulator when the pattern matches. */
  interface Target {
    void collect(Winner w);
  }

  private static final Object[] NONE = new Object[0];

  private final Node prefixes;
  private final Node suffixes;
  private final Glob[] unanchored;
  private final Object[] unanchoredTargets;
  private final int size;

  private GlobIndex(Map<String, V> byPattern) {
    NodeBuilder prefixTrie = new NodeBuilder();
    NodeBuilder suffixTrie = new NodeBuilder();
    List<Glob> loose = new ArrayList<>();
    List<Object> looseTargets = new ArrayList<>();
    byPattern.forEach((pattern, target) -> {
      Glob g = Glob.compile(pattern);
      String prefix = g.prefix();
      String suffix = g.suffix();
      if (prefix.isEmpty() && suffix.isEmpty()) {
        loose.add(g);
        looseTargets.add(target);
      } else if (prefix.length() >= suffix.length()) {
        prefixTrie.add(prefix, false, g, target);
      } else {
        suffixTrie.add(suffix, true, g, target);
      }
    });
    this.prefixes = prefixTrie.build();
    this.suffixes = suffixTrie.build();
    this.unanchored = loose.toArray(Glob[]::new);
    this.unanchoredTargets = looseTargets.toArray();
    this.size = byPattern.size();
  }

  /** An index of {@code byPattern}'s keys, each a glob pattern (literal ones too, though callers file those in maps). */
  static <V extends Target> GlobIndex<V> of(Map<String, V> byPattern) {
    return new GlobIndex<>(new LinkedHashMap<>(byPattern));
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** How many patterns the index holds. */
  int size() {
    return size;
  }

  /** Offers to {@code w} the targets of every pattern that matches {@code s}. */
  void collectMatches(String s, Winner w) {
    Node n = prefixes;
    for (int i = 0; n != null; i++) {
      n.collectMatches(s, w);
      n = i < s.length() ? n.child(s.charAt(i)) : null;
    }
    n = suffixes;
    for (int i = s.length() - 1; n != null; i--) {
      n.collectMatches(s, w);
      n = i >= 0 ? n.child(s.charAt(i)) : null;
    }
    for (int i = 0; i < unanchored.length; i++) {
      if (unanchored[i].matches(s)) {
        ((Target) unanchoredTargets[i]).collect(w);
      }
    }
  }

  /** One trie node: the patterns whose anchor ends here, and children by next character (sorted). */
  private static final class Node {
    private final char[] keys;
    private final Node[] children;
    private final Glob[] globs;
    private final Object[] targets;

    Node(char[] keys, Node[] children, Glob[] globs, Object[] targets) {
      this.keys = keys;
      this.children = children;
      this.globs = globs;
      this.targets = targets;
    }

    void collectMatches(String s, Winner w) {
      for (int i = 0; i < globs.length; i++) {
        if (globs[i].matches(s)) {
          ((Target) targets[i]).collect(w);
        }
      }
    }

    Node child(char c) {
      int lo = 0;
      int hi = keys.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        char k = keys[mid];
        if (k < c) {
          lo = mid + 1;
        } else if (k > c) {
          hi = mid - 1;
        } else {
          return children[mid];
        }
      }
      return null;
    }
  }

  private static final class NodeBuilder {
    private final TreeMap<Character, NodeBuilder> children = new TreeMap<>();
    private final List<Glob> globs = new ArrayList<>();
    private final List<Object> targets = new ArrayList<>();

    void add(String anchor, boolean fromEnd, Glob g, Object target) {
      NodeBuilder n = this;
      for (int i = 0; i < anchor.length(); i++) {
        char c = anchor.charAt(fromEnd ? anchor.length() - 1 - i : i);
        n = n.children.computeIfAbsent(c, k -> new NodeBuilder());
      }
      n.globs.add(g);
      n.targets.add(target);
    }

    Node build() {
      char[] keys = new char[children.size()];
      Node[] built = new Node[children.size()];
      int i = 0;
      for (Map.Entry<Character, NodeBuilder> e : children.entrySet()) {
        keys[i] = e.getKey();
        built[i] = e.getValue().build();
        i++;
      }
      return new Node(keys, built, globs.toArray(Glob[]::new), targets.isEmpty() ? NONE : targets.toArray());
    }
  }
}

package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
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
 * only patterns whose anchor the string starts (or ends) with, and tests those in full. Runs of
 * characters without a branch ({@code system:serviceaccount:team-}) are one node holding the run,
 * compared with {@code regionMatches}, so a walk touches a node per branch, not per character
 * (that is what a decision's cache misses are made of). Patterns
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

  /** Rules filed under one pattern, offered to a decision when the pattern matches. */
  interface Target {
    /** The best of {@code best} (may be {@code null}) and this target's rules that cover {@code a} ({@link Winner}). */
    CompiledRule collect(Attributes a, CompiledRule best);
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
    this.prefixes = prefixTrie.build(false);
    this.suffixes = suffixTrie.build(true);
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

  /** The best of {@code best} and the targets' rules of every pattern that matches {@code s}. */
  CompiledRule collectMatches(String s, Attributes a, CompiledRule best) {
    // Forward: `at` characters of s matched so far.
    Node n = prefixes;
    int at = 0;
    while (true) {
      best = n.collectMatches(s, a, best);
      Node c = at < s.length() ? n.child(s.charAt(at)) : null;
      if (c == null || !s.regionMatches(at + 1, c.run, 0, c.run.length())) {
        break;
      }
      at += 1 + c.run.length();
      n = c;
    }
    // Backward: the last s.length() - `end` characters matched; runs are stored in reading order.
    n = suffixes;
    int end = s.length();
    while (true) {
      best = n.collectMatches(s, a, best);
      Node c = end > 0 ? n.child(s.charAt(end - 1)) : null;
      if (c == null || !s.regionMatches(end - 1 - c.run.length(), c.run, 0, c.run.length())) {
        break;
      }
      end -= 1 + c.run.length();
      n = c;
    }
    for (int i = 0; i < unanchored.length; i++) {
      if (unanchored[i].matches(s)) {
        best = ((Target) unanchoredTargets[i]).collect(a, best);
      }
    }
    return best;
  }

  /**
   * One trie node, reached by its key character followed by {@code run}: the patterns whose
   * anchor ends here, and children by next character (sorted).
   */
  private static final class Node {
    private final String run;
    private final char[] keys;
    private final Node[] children;
    private final Glob[] globs;
    private final Object[] targets;

    Node(String run, char[] keys, Node[] children, Glob[] globs, Object[] targets) {
      this.run = run;
      this.keys = keys;
      this.children = children;
      this.globs = globs;
      this.targets = targets;
    }

    CompiledRule collectMatches(String s, Attributes a, CompiledRule best) {
      for (int i = 0; i < globs.length; i++) {
        if (globs[i].matches(s)) {
          best = ((Target) targets[i]).collect(a, best);
        }
      }
      return best;
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

    Node build(boolean fromEnd) {
      return build("", fromEnd);
    }

    private Node build(String run, boolean fromEnd) {
      char[] keys = new char[children.size()];
      Node[] built = new Node[children.size()];
      int i = 0;
      for (Map.Entry<Character, NodeBuilder> e : children.entrySet()) {
        // Fold a chain of single-child nodes without patterns into the child's run.
        StringBuilder chain = new StringBuilder();
        NodeBuilder x = e.getValue();
        while (x.globs.isEmpty() && x.children.size() == 1) {
          Map.Entry<Character, NodeBuilder> only = x.children.firstEntry();
          chain.append(only.getKey().charValue());
          x = only.getValue();
        }
        keys[i] = e.getKey();
        built[i] = x.build((fromEnd ? chain.reverse() : chain).toString(), fromEnd);
        i++;
      }
      return new Node(run, keys, built, globs.toArray(Glob[]::new), targets.isEmpty() ? NONE : targets.toArray());
    }
  }
}

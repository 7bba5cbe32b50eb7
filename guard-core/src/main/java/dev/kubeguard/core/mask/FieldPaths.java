package dev.kubeguard.core.mask;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Field paths a profile masks, parsed once into a trie that the streaming engine walks one field
 * at a time. Arrays are transparent (the elements of {@code containers} sit at the same trie node
 * as {@code containers} itself), so {@code spec.containers.args} reaches every container's args.
 * Immutable after construction; thread-safe.
 */
final class FieldPaths {

  /** One trie node: a terminal node masks the value found there, whatever it holds. */
  public static final class Node {
    private final Map<String, Node> children = new HashMap<>();
    private Node any;
    private boolean terminal;

    /** The node for field {@code name} below this one, or {@code null}. */
    public Node child(String name) {
      Node n = children.get(name);
      return n != null ? n : any;
    }

    public boolean terminal() {
      return terminal;
    }

    void add(List<String> segments, int i) {
      if (i == segments.size()) {
        terminal = true;
        return;
      }
      String s = segments.get(i);
      Node next;
      if (s.equals("*")) {
        next = any == null ? (any = new Node()) : any;
      } else {
        next = children.computeIfAbsent(s, k -> new Node());
      }
      next.add(segments, i + 1);
    }
  }

  private FieldPaths() {}

  /**
   * Splits {@code a.b[c.d/e].f} into segments; fails with a message on an empty segment or an
   * unclosed bracket.
   */
  public static List<String> parse(String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("field path must not be blank");
    }
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int i = 0;
    boolean justClosed = false;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '[') {
        int close = path.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("field path '" + path + "': '[' is never closed with ']'");
        }
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
        String seg = path.substring(i + 1, close);
        if (seg.isEmpty()) {
          throw new IllegalArgumentException("field path '" + path + "' has an empty [] segment");
        }
        out.add(seg);
        i = close + 1;
        justClosed = true;
        if (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
          throw new IllegalArgumentException("field path '" + path + "': expected '.' after ']'");
        }
        continue;
      }
      if (c == '.') {
        if (cur.length() == 0 && !justClosed) {
          throw new IllegalArgumentException("field path '" + path + "' has an empty segment");
        }
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
        justClosed = false;
        i++;
        continue;
      }
      justClosed = false;
      cur.append(c);
      i++;
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    } else if (!justClosed) {
      throw new IllegalArgumentException("field path '" + path + "' ends with '.'");
    }
    return out;
  }

  /** A trie holding every path in {@code paths}, or {@code null} when there are none. */
  public static Node trie(List<List<String>> paths) {
    if (paths.isEmpty()) {
      return null;
    }
    Node root = new Node();
    for (List<String> p : paths) {
      root.add(p, 0);
    }
    return root;
  }
}

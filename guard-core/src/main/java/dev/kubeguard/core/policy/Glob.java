package dev.kubeguard.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A pattern where {@code *} matches any run of characters, including none, and every other
 * character matches itself. Compiled once into literal segments so matching is a few
 * {@code startsWith}/{@code indexOf} calls: no regex, no allocation.
 *
 * <p>Immutable and thread-safe.
 */
final class Glob {

  private final String pattern;
  private final String[] segments;
  private final boolean literal;

  private Glob(String pattern, boolean literal) {
    this.pattern = pattern;
    this.literal = literal;
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= pattern.length(); i++) {
      if (i == pattern.length() || pattern.charAt(i) == '*') {
        parts.add(pattern.substring(start, i));
        start = i + 1;
      }
    }
    this.segments = parts.toArray(String[]::new);
  }

  /** Compiles {@code pattern}; every string is a valid pattern (validation is the caller's job). */
  public static Glob compile(String pattern) {
    return new Glob(pattern, pattern.indexOf('*') < 0);
  }

  /** A pattern that matches only {@code name} itself, even if it contains {@code *} (RBAC subjects). */
  public static Glob exact(String name) {
    return new Glob(name, true);
  }

  /** The characters that look like glob syntax elsewhere but are not wildcards here. */
  public static String unsupportedSyntax(String pattern) {
    for (char c : new char[] {'?', '[', ']', '{', '}'}) {
      if (pattern.indexOf(c) >= 0) {
        return String.valueOf(c);
      }
    }
    return null;
  }

  public String pattern() {
    return pattern;
  }

  /** The literal text before the first {@code *} (the whole pattern when it is literal). */
  public String prefix() {
    return literal ? pattern : segments[0];
  }

  /** The literal text after the last {@code *} (the whole pattern when it is literal). */
  public String suffix() {
    return literal ? pattern : segments[segments.length - 1];
  }

  /** Whether the pattern has no {@code *}, so it only matches itself. */
  public boolean isLiteral() {
    return literal;
  }

  public boolean matches(String s) {
    if (literal) {
      return pattern.equals(s);
    }
    String first = segments[0];
    String last = segments[segments.length - 1];
    if (s.length() < first.length() + last.length() || !s.startsWith(first) || !s.endsWith(last)) {
      return false;
    }
    int pos = first.length();
    int end = s.length() - last.length();
    for (int i = 1; i < segments.length - 1; i++) {
      String seg = segments[i];
      if (seg.isEmpty()) {
        continue;
      }
      int found = s.indexOf(seg, pos);
      if (found < 0 || found + seg.length() > end) {
        return false;
      }
      pos = found + seg.length();
    }
    return true;
  }

  @Override
  public String toString() {
    return pattern;
  }
}

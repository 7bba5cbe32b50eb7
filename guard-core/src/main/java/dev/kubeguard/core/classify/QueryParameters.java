package dev.kubeguard.core.classify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Go's {@code url.ParseQuery} as {@code req.URL.Query()} uses it, errors ignored: pairs split on
 * {@code &}; a pair containing {@code ;} is dropped; a pair whose name or value has a bad escape
 * is dropped; names and values are query-unescaped ({@code +} is a space); values keep their
 * order of appearance.
 *
 * <p>Immutable after {@link #parse}; thread-safe to share. Linear in the query length.
 */
final class QueryParameters {

  /**
   * Recent Go releases cap the number of query parameters and then parse none of them, while
   * older ones parse all: a request near the cap would be read differently by different servers.
   * No real client sends this many, so such queries are refused well below the cap.
   */
  static final int MAX_SEPARATORS = 9_000;

  private static final QueryParameters EMPTY = new QueryParameters(Map.of());

  private final Map<String, List<GoUnescape.Decoded>> values;

  private QueryParameters(Map<String, List<GoUnescape.Decoded>> values) {
    this.values = values;
  }

  /**
   * Parses a raw query (without {@code ?}).
   *
   * @throws ClassificationException 400 for a query with so many parameters that kube-apiserver
   *     versions disagree on whether any are read
   */
  public static QueryParameters parse(String rawQuery) throws ClassificationException {
    if (rawQuery.isEmpty()) {
      return EMPTY;
    }
    int separators = 0;
    for (int i = 0; i < rawQuery.length(); i++) {
      char c = rawQuery.charAt(i);
      if (c == '&' || c == ';') {
        separators++;
      }
    }
    if (separators >= MAX_SEPARATORS) {
      throw ClassificationException.badRequest(
          "bad request: too many query parameters (" + separators + " separators)");
    }
    Map<String, List<GoUnescape.Decoded>> map = new HashMap<>();
    int start = 0;
    int len = rawQuery.length();
    while (start <= len) {
      int amp = rawQuery.indexOf('&', start);
      int end = amp < 0 ? len : amp;
      addPair(map, rawQuery, start, end);
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    return new QueryParameters(map);
  }

  private static void addPair(
      Map<String, List<GoUnescape.Decoded>> map, String q, int start, int end) {
    if (start == end) {
      return;
    }
    int eq = -1;
    for (int i = start; i < end; i++) {
      char c = q.charAt(i);
      if (c == ';') {
        return; // Go: "invalid semicolon separator in query"; the whole pair is dropped
      }
      if (c == '=' && eq < 0) {
        eq = i;
      }
    }
    int keyEnd = eq < 0 ? end : eq;
    GoUnescape.Decoded key = GoUnescape.unescape(q, start, keyEnd, true);
    if (key == null) {
      return;
    }
    GoUnescape.Decoded value =
        eq < 0 ? new GoUnescape.Decoded("", true) : GoUnescape.unescape(q, eq + 1, end, true);
    if (value == null) {
      return;
    }
    map.computeIfAbsent(key.value(), k -> new ArrayList<>(1)).add(value);
  }

  /** Whether the parameter is present (Go: {@code len(values[name]) > 0}). */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The first value, or {@code null} when absent. */
  public String first(String name) {
    List<GoUnescape.Decoded> v = values.get(name);
    return v == null ? null : v.get(0).value();
  }

  /** Whether the first value is exactly Go's bytes (false when it was not valid UTF-8). */
  public boolean firstIsExact(String name) {
    List<GoUnescape.Decoded> v = values.get(name);
    return v == null || v.get(0).exact();
  }

  /** All values in order of appearance, possibly empty. */
  public List<String> all(String name) {
    List<GoUnescape.Decoded> v = values.get(name);
    if (v == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(v.size());
    for (GoUnescape.Decoded d : v) {
      out.add(d.value());
    }
    return out;
  }

  /** Whether no parameter at all was parsed (Go's DecodeParameters then decodes nothing). */
  public boolean isEmpty() {
    return values.isEmpty();
  }
}

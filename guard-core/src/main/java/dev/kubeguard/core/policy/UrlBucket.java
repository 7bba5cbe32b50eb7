package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Non-resource rules of one verb (or of verb {@code *}) filed by URL: exact paths in a map,
 * {@code *} apart, and trailing-{@code *} prefixes in a short list checked with
 * {@code startsWith}. Immutable once built.
 */
final class UrlBucket {
  private final RuleTable exact;
  private final CompiledRule[] any;
  private final String[] prefixes;
  private final CompiledRule[][] prefixRules;

  private UrlBucket(Builder b) {
    this.exact = RuleTable.of(b.exact);
    this.any = b.any.isEmpty() ? null : b.any.toArray(CompiledRule[]::new);
    this.prefixes = b.prefixes.keySet().toArray(String[]::new);
    this.prefixRules = new CompiledRule[prefixes.length][];
    for (int i = 0; i < prefixes.length; i++) {
      prefixRules[i] = b.prefixes.get(prefixes[i]).toArray(CompiledRule[]::new);
    }
  }

  CompiledRule collect(Attributes a, CompiledRule best) {
    String path = a.path();
    best = Winner.among(any, a, best);
    best = Winner.among(exact.get(path), a, best);
    for (int i = 0; i < prefixes.length; i++) {
      if (path.startsWith(prefixes[i])) {
        best = Winner.among(prefixRules[i], a, best);
      }
    }
    return best;
  }

  static final class Builder {
    private final Map<String, List<CompiledRule>> exact = new HashMap<>();
    private final List<CompiledRule> any = new ArrayList<>();
    private final Map<String, List<CompiledRule>> prefixes = new LinkedHashMap<>();

    void add(CompiledRule r) {
      List<String> urls = r.match().nonResourceURLs();
      if (urls.contains(RuleMatch.ALL)) {
        any.add(r);
        return;
      }
      for (String u : urls) {
        exact.computeIfAbsent(u, k -> new ArrayList<>()).add(r);
        if (u.endsWith("*")) {
          prefixes.computeIfAbsent(RuleMatch.trimTrailingStars(u), k -> new ArrayList<>()).add(r);
        }
      }
    }

    UrlBucket build() {
      return new UrlBucket(this);
    }
  }
}

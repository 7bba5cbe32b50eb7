package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules of one verb (or of verb {@code *}) filed by the resources they name: exactly
 * ({@code pods}, {@code pods/log}), by {@code *}/subresource ({@code *}{@code /scale}), or all
 * ({@code *}). A lookup touches at most three arrays and allocates nothing, subresource requests
 * included ({@link RuleTable}). Immutable once built.
 */
final class ResourceBucket {
  private final RuleTable byResource;
  private final RuleTable bySubresource;
  private final CompiledRule[] anyResource;

  private ResourceBucket(Builder b) {
    this.byResource = RuleTable.of(b.byResource);
    this.bySubresource = RuleTable.of(b.bySubresource);
    this.anyResource = b.anyResource.isEmpty() ? null : b.anyResource.toArray(CompiledRule[]::new);
  }

  CompiledRule collect(Attributes a, CompiledRule best) {
    String subresource = a.subresource();
    best = Winner.among(anyResource, a, best);
    best = Winner.among(byResource.get(a.resource(), subresource), a, best);
    if (!subresource.isEmpty()) {
      best = Winner.among(bySubresource.get(subresource), a, best);
    }
    return best;
  }

  static final class Builder {
    private final Map<String, List<CompiledRule>> byResource = new HashMap<>();
    private final Map<String, List<CompiledRule>> bySubresource = new HashMap<>();
    private final List<CompiledRule> anyResource = new ArrayList<>();

    void add(CompiledRule r) {
      List<String> resources = r.match().resources();
      if (resources.contains(RuleMatch.ALL)) {
        anyResource.add(r);
        return;
      }
      for (String res : resources) {
        byResource.computeIfAbsent(res, k -> new ArrayList<>()).add(r);
        if (res.startsWith("*/") && res.length() > 2) {
          bySubresource.computeIfAbsent(res.substring(2), k -> new ArrayList<>()).add(r);
        }
      }
    }

    ResourceBucket build() {
      return new ResourceBucket(this);
    }
  }
}

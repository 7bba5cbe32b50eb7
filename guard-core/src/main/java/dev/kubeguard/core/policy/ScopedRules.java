package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one subject key, split by namespace: rules scoped to literal namespaces (every
 * RoleBinding) are filed under each, so a request only sees its own namespace's; rules that are
 * everywhere or use namespace globs share one index and check their scope per candidate.
 * Immutable once built.
 */
final class ScopedRules {
  private final Map<String, ActionIndex> byNamespace;
  private final ActionIndex anyNamespace;

  private ScopedRules(Builder b) {
    Map<String, ActionIndex> m = new HashMap<>();
    b.byNamespace.forEach((k, v) -> m.put(k, v.build()));
    this.byNamespace = m;
    this.anyNamespace = b.anyNamespace == null ? null : b.anyNamespace.build();
  }

  void collect(Attributes a, String combinedResource, Winner w) {
    if (!byNamespace.isEmpty()) {
      ActionIndex ns = byNamespace.get(a.namespace());
      if (ns != null) {
        ns.collect(a, combinedResource, w);
      }
    }
    if (anyNamespace != null) {
      anyNamespace.collect(a, combinedResource, w);
    }
  }

  static final class Builder {
    private final Map<String, ActionIndex.Builder> byNamespace = new HashMap<>();
    private ActionIndex.Builder anyNamespace;

    void add(CompiledRule r) {
      List<String> literals = r.scope().literalNamespaces();
      if (literals == null) {
        if (anyNamespace == null) {
          anyNamespace = new ActionIndex.Builder();
        }
        anyNamespace.add(r);
        return;
      }
      for (String ns : literals) {
        byNamespace.computeIfAbsent(ns, k -> new ActionIndex.Builder()).add(r);
      }
    }

    ScopedRules build() {
      return new ScopedRules(this);
    }
  }
}

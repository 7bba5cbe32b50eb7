package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one subject key, split by namespace so a request only sees the rules that could
 * cover its namespace: rules everywhere in one index; literal namespaces (every RoleBinding, and
 * {@code ""} for cluster scope) in a map; namespace globs in a {@link GlobIndex}, so a thousand
 * {@code team-N-*} scopes under one subject cost a trie walk, not a thousand glob tests. A rule
 * with several namespace patterns is filed under each; every candidate still checks its whole
 * scope ({@link CompiledRule#covers}). Immutable once built.
 */
final class ScopedRules implements GlobIndex.Target {
  private final Map<String, ActionIndex> byNamespace;
  private final GlobIndex<ActionIndex> byNamespaceGlob;
  private final ActionIndex anyNamespace;

  private ScopedRules(Builder b) {
    Map<String, ActionIndex> m = new HashMap<>();
    b.byNamespace.forEach((k, v) -> m.put(k, v.build()));
    this.byNamespace = m;
    Map<String, ActionIndex> globs = new LinkedHashMap<>();
    b.byNamespaceGlob.forEach((k, v) -> globs.put(k, v.build()));
    this.byNamespaceGlob = globs.isEmpty() ? null : GlobIndex.of(globs);
    this.anyNamespace = b.anyNamespace == null ? null : b.anyNamespace.build();
  }

  @Override
  public CompiledRule collect(Attributes a, CompiledRule best) {
    String namespace = a.namespace();
    if (!byNamespace.isEmpty()) {
      ActionIndex ns = byNamespace.get(namespace);
      if (ns != null) {
        best = ns.collect(a, best);
      }
    }
    // A namespace glob never covers a request without a namespace (NamespaceScope), so skip them.
    if (byNamespaceGlob != null && !namespace.isEmpty()) {
      best = byNamespaceGlob.collectMatches(namespace, a, best);
    }
    if (anyNamespace != null) {
      best = anyNamespace.collect(a, best);
    }
    return best;
  }

  static final class Builder {
    private final Map<String, ActionIndex.Builder> byNamespace = new HashMap<>();
    private final Map<String, ActionIndex.Builder> byNamespaceGlob = new LinkedHashMap<>();
    private ActionIndex.Builder anyNamespace;

    void add(CompiledRule r) {
      NamespaceScope scope = r.scope();
      if (scope.isEverywhere()) {
        if (anyNamespace == null) {
          anyNamespace = new ActionIndex.Builder();
        }
        anyNamespace.add(r);
        return;
      }
      if (scope.coversClusterScope()) {
        byNamespace.computeIfAbsent("", k -> new ActionIndex.Builder()).add(r);
      }
      List<Glob> globs = scope.globs();
      for (Glob g : globs) {
        (g.isLiteral() ? byNamespace : byNamespaceGlob)
            .computeIfAbsent(g.pattern(), k -> new ActionIndex.Builder())
            .add(r);
      }
    }

    ScopedRules build() {
      return new ScopedRules(this);
    }
  }
}

package dev.kubeguard.core.policy;

import java.util.List;

/**
 * Which request namespaces a rule covers.
 *
 * <ul>
 *   <li>{@link #everywhere()}: every namespace, cluster-scoped and non-resource requests (a
 *       ClusterRoleBinding, a GuardPolicy rule without {@code namespaces});
 *   <li>{@link #exactly(String)}: only requests in that namespace, so never cluster-scoped or
 *       all-namespace requests (a RoleBinding);
 *   <li>{@link #patterns(List)}: a namespaced request whose namespace matches one of the globs;
 *       a request with namespace {@code ""} (cluster-scoped, or a list across all namespaces) only
 *       when the list holds {@code ""} itself. So {@code ["*"]} means "any single namespace",
 *       never "the whole cluster".
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
final class NamespaceScope {

  private static final NamespaceScope EVERYWHERE = new NamespaceScope(null, false);

  private final List<Glob> globs;
  private final boolean clusterScope;

  private NamespaceScope(List<Glob> globs, boolean clusterScope) {
    this.globs = globs;
    this.clusterScope = clusterScope;
  }

  public static NamespaceScope everywhere() {
    return EVERYWHERE;
  }

  public static NamespaceScope exactly(String namespace) {
    return patterns(List.of(namespace));
  }

  /** From GuardPolicy {@code namespaces}: globs, and {@code ""} for cluster scope. */
  public static NamespaceScope patterns(List<String> patterns) {
    boolean cluster = false;
    java.util.ArrayList<Glob> globs = new java.util.ArrayList<>();
    for (String p : patterns) {
      if (p.isEmpty()) {
        cluster = true;
      } else {
        globs.add(Glob.compile(p));
      }
    }
    return new NamespaceScope(List.copyOf(globs), cluster);
  }

  public boolean isEverywhere() {
    return globs == null;
  }

  /** The namespace globs (literal ones included, {@code ""} excluded); empty when everywhere. */
  public List<Glob> globs() {
    return globs == null ? List.of() : globs;
  }

  /** Whether the scope covers requests without a namespace (it is everywhere, or lists {@code ""}). */
  public boolean coversClusterScope() {
    return globs == null || clusterScope;
  }

  public boolean matches(String namespace) {
    if (globs == null) {
      return true;
    }
    if (namespace.isEmpty()) {
      return clusterScope;
    }
    for (int i = 0; i < globs.size(); i++) {
      if (globs.get(i).matches(namespace)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    if (globs == null) {
      return "everywhere";
    }
    return (clusterScope ? "cluster-scope+" : "") + globs;
  }
}

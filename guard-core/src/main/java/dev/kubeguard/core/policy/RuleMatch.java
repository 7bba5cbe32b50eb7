package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import java.util.List;

/**
 * What one rule matches, with exactly the semantics of an RBAC {@code PolicyRule} as
 * kube-apiserver's {@code RuleAllows} evaluates it (pkg/apis/rbac/v1/evaluation_helpers.go):
 *
 * <ul>
 *   <li>verbs, apiGroups: {@code "*"} matches anything, otherwise exact, case-sensitive equality;
 *   <li>resources: {@code "*"} matches anything (subresources too), otherwise the entry must equal
 *       {@code resource} or {@code resource/subresource}; {@code "*}{@code /sub"} matches any
 *       resource's subresource {@code sub}; {@code "pods/*"} is not special and only matches a
 *       subresource literally named {@code *};
 *   <li>resourceNames: empty matches every name, otherwise exact equality, so a rule with names
 *       never matches a request without one (list, create, deletecollection);
 *   <li>nonResourceURLs: {@code "*"}, exact equality, or a trailing {@code *} (all trailing stars
 *       removed) as a prefix;
 *   <li>a resource request is judged by verbs, apiGroups, resources and resourceNames; a
 *       non-resource request by verbs and nonResourceURLs only.
 * </ul>
 *
 * <p>Immutable and thread-safe; {@link #matches} allocates nothing (URL prefixes are trimmed
 * once, here).
 */
final class RuleMatch {

  public static final String ALL = "*";

  private final List<String> verbs;
  private final List<String> apiGroups;
  private final List<String> resources;
  private final List<String> resourceNames;
  private final List<String> nonResourceURLs;
  /** For each non-resource URL ending in {@code *}, its prefix; {@code null} for the others. */
  private final String[] urlPrefixes;

  public RuleMatch(
      List<String> verbs,
      List<String> apiGroups,
      List<String> resources,
      List<String> resourceNames,
      List<String> nonResourceURLs) {
    this.verbs = List.copyOf(verbs);
    this.apiGroups = List.copyOf(apiGroups);
    this.resources = List.copyOf(resources);
    this.resourceNames = List.copyOf(resourceNames);
    this.nonResourceURLs = List.copyOf(nonResourceURLs);
    this.urlPrefixes = new String[this.nonResourceURLs.size()];
    for (int i = 0; i < urlPrefixes.length; i++) {
      String u = this.nonResourceURLs.get(i);
      urlPrefixes[i] = u.endsWith("*") ? trimTrailingStars(u) : null;
    }
  }

  public List<String> verbs() {
    return verbs;
  }

  public List<String> apiGroups() {
    return apiGroups;
  }

  public List<String> resources() {
    return resources;
  }

  public List<String> resourceNames() {
    return resourceNames;
  }

  public List<String> nonResourceURLs() {
    return nonResourceURLs;
  }

  /** RBAC's {@code RuleAllows}. */
  public boolean matches(Attributes a) {
    if (!verbMatches(a.verb())) {
      return false;
    }
    if (a.isResourceRequest()) {
      return apiGroupMatches(a.apiGroup())
          && resourceMatches(a.resource(), a.subresource())
          && resourceNameMatches(a.name());
    }
    return nonResourceURLMatches(a.path());
  }

  public boolean verbMatches(String verb) {
    for (int i = 0; i < verbs.size(); i++) {
      String v = verbs.get(i);
      if (v.equals(ALL) || v.equals(verb)) {
        return true;
      }
    }
    return false;
  }

  public boolean apiGroupMatches(String group) {
    for (int i = 0; i < apiGroups.size(); i++) {
      String g = apiGroups.get(i);
      if (g.equals(ALL) || g.equals(group)) {
        return true;
      }
    }
    return false;
  }

  public boolean resourceMatches(String resource, String subresource) {
    for (int i = 0; i < resources.size(); i++) {
      String r = resources.get(i);
      if (r.equals(ALL) || equalsCombined(r, resource, subresource)) {
        return true;
      }
      if (!subresource.isEmpty()
          && r.length() == subresource.length() + 2
          && r.startsWith("*/")
          && r.endsWith(subresource)) {
        return true;
      }
    }
    return false;
  }

  public boolean resourceNameMatches(String name) {
    if (resourceNames.isEmpty()) {
      return true;
    }
    for (int i = 0; i < resourceNames.size(); i++) {
      if (resourceNames.get(i).equals(name)) {
        return true;
      }
    }
    return false;
  }

  public boolean nonResourceURLMatches(String path) {
    for (int i = 0; i < nonResourceURLs.size(); i++) {
      String u = nonResourceURLs.get(i);
      if (u.equals(ALL) || u.equals(path)) {
        return true;
      }
      if (urlPrefixes[i] != null && path.startsWith(urlPrefixes[i])) {
        return true;
      }
    }
    return false;
  }

  /** Go's {@code strings.TrimRight(u, "*")}. */
  static String trimTrailingStars(String u) {
    int end = u.length();
    while (end > 0 && u.charAt(end - 1) == '*') {
      end--;
    }
    return u.substring(0, end);
  }

  /** Whether {@code r} equals {@code resource} or {@code resource + "/" + subresource}, without building the latter. */
  static boolean equalsCombined(String r, String resource, String subresource) {
    if (subresource.isEmpty()) {
      return r.equals(resource);
    }
    return r.length() == resource.length() + 1 + subresource.length()
        && r.startsWith(resource)
        && r.charAt(resource.length()) == '/'
        && r.endsWith(subresource);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuleMatch m
        && verbs.equals(m.verbs)
        && apiGroups.equals(m.apiGroups)
        && resources.equals(m.resources)
        && resourceNames.equals(m.resourceNames)
        && nonResourceURLs.equals(m.nonResourceURLs);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(verbs, apiGroups, resources, resourceNames, nonResourceURLs);
  }

  @Override
  public String toString() {
    return "{verbs=" + verbs + ", apiGroups=" + apiGroups + ", resources=" + resources
        + ", resourceNames=" + resourceNames + ", nonResourceURLs=" + nonResourceURLs + "}";
  }
}

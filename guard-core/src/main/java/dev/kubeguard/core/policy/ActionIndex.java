package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules filed by verb (with a bucket for verb {@code *}), then by resource or non-resource URL.
 * Immutable once built.
 */
final class ActionIndex implements GlobIndex.Target {
  private final Map<String, ResourceBucket> resourceByVerb;
  private final ResourceBucket resourceAnyVerb;
  private final Map<String, UrlBucket> urlByVerb;
  private final UrlBucket urlAnyVerb;

  private ActionIndex(Builder b) {
    this.resourceByVerb = new HashMap<>();
    b.resourceByVerb.forEach((k, v) -> resourceByVerb.put(k, v.build()));
    this.resourceAnyVerb = b.resourceAnyVerb == null ? null : b.resourceAnyVerb.build();
    this.urlByVerb = new HashMap<>();
    b.urlByVerb.forEach((k, v) -> urlByVerb.put(k, v.build()));
    this.urlAnyVerb = b.urlAnyVerb == null ? null : b.urlAnyVerb.build();
  }

  @Override
  public CompiledRule collect(Attributes a, CompiledRule best) {
    if (a.isResourceRequest()) {
      ResourceBucket exact = resourceByVerb.get(a.verb());
      if (exact != null) {
        best = exact.collect(a, best);
      }
      if (resourceAnyVerb != null) {
        best = resourceAnyVerb.collect(a, best);
      }
    } else {
      UrlBucket exact = urlByVerb.get(a.verb());
      if (exact != null) {
        best = exact.collect(a, best);
      }
      if (urlAnyVerb != null) {
        best = urlAnyVerb.collect(a, best);
      }
    }
    return best;
  }

  static final class Builder {
    private final Map<String, ResourceBucket.Builder> resourceByVerb = new HashMap<>();
    private ResourceBucket.Builder resourceAnyVerb;
    private final Map<String, UrlBucket.Builder> urlByVerb = new HashMap<>();
    private UrlBucket.Builder urlAnyVerb;

    void add(CompiledRule r) {
      List<String> verbs = r.match().verbs();
      boolean anyVerb = verbs.contains(RuleMatch.ALL);
      if (!r.match().resources().isEmpty()) {
        if (anyVerb) {
          if (resourceAnyVerb == null) {
            resourceAnyVerb = new ResourceBucket.Builder();
          }
          resourceAnyVerb.add(r);
        } else {
          for (String v : verbs) {
            resourceByVerb.computeIfAbsent(v, k -> new ResourceBucket.Builder()).add(r);
          }
        }
      }
      if (!r.match().nonResourceURLs().isEmpty()) {
        if (anyVerb) {
          if (urlAnyVerb == null) {
            urlAnyVerb = new UrlBucket.Builder();
          }
          urlAnyVerb.add(r);
        } else {
          for (String v : verbs) {
            urlByVerb.computeIfAbsent(v, k -> new UrlBucket.Builder()).add(r);
          }
        }
      }
    }

    ActionIndex build() {
      return new ActionIndex(this);
    }
  }
}

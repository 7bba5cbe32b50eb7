package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;

/**
 * Collects the deciding rule among candidates: highest-ranked effect (deny over approval over
 * allow), then lowest ordinal. Offering the same rule twice changes nothing, so an index may
 * reach a rule by several paths. One per decision, confined to the deciding thread.
 */
final class Winner {
  private final Attributes attributes;
  private final String combinedResource;
  private CompiledRule best;

  /** {@code combinedResource} is {@code resource} or {@code resource/subresource}, built once per decision. */
  Winner(Attributes attributes, String combinedResource) {
    this.attributes = attributes;
    this.combinedResource = combinedResource;
  }

  Attributes attributes() {
    return attributes;
  }

  String combinedResource() {
    return combinedResource;
  }

  void offer(CompiledRule[] rules) {
    if (rules == null) {
      return;
    }
    for (CompiledRule r : rules) {
      // The cheap precedence test first: once a deny is found, most candidates cannot win.
      if (r.beats(best) && r.covers(attributes)) {
        best = r;
      }
    }
  }

  CompiledRule best() {
    return best;
  }
}

package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;

/**
 * Collects the deciding rule among candidates: highest-ranked effect (deny over approval over
 * allow), then lowest ordinal. One per decision, confined to the deciding thread.
 */
final class Winner {
  private final Attributes attributes;
  private CompiledRule best;

  Winner(Attributes attributes) {
    this.attributes = attributes;
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

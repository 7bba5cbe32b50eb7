package dev.kubeguard.core;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Decision;
import java.util.List;
import java.util.Objects;

/**
 * What the policy says about a request before any approval: every question the request raises,
 * the combined decision (deny over approval over allow), and the question that decided it (the
 * one a denial message speaks of). Immutable.
 *
 * @param checks the questions asked, the primary one first; never empty
 * @param decision the combined decision
 * @param decisive the question whose answer became {@code decision}
 */
public record Evaluation(List<AccessRequest> checks, Decision decision, AccessRequest decisive) {
  public Evaluation {
    checks = List.copyOf(checks);
    if (checks.isEmpty()) {
      throw new IllegalArgumentException("an evaluation asks at least one question");
    }
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(decisive, "decisive");
  }

  /** The request's own question (its classification, upgrades asked as create). */
  public AccessRequest primary() {
    return checks.get(0);
  }
}

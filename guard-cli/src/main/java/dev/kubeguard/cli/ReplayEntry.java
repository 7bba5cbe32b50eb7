package dev.kubeguard.cli;

import dev.kubeguard.api.Decision;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One recorded request replayed against a policy: what was decided then and what the policy
 * decides now. Immutable.
 *
 * @param file the audit file
 * @param line the 1-based line in {@code file}
 * @param auditId the event's audit id
 * @param user the user name
 * @param verb the recorded verb
 * @param requestUri the recorded request URI
 * @param recorded the effect recorded in {@code kubeguard.dev/decision}
 * @param replayed the effect the policy gives now ({@code DENY} when it failed)
 * @param rule the rule that decided now, or {@code ""}
 * @param reason why, now
 * @param policyError the policy threw (the replay counts that as a denial, as the Guard would)
 */
public record ReplayEntry(
    Path file, long line, String auditId, String user, String verb, String requestUri,
    Decision.Effect recorded, Decision.Effect replayed, String rule, String reason, boolean policyError) {

  public ReplayEntry {
    Objects.requireNonNull(recorded, "recorded");
    Objects.requireNonNull(replayed, "replayed");
    rule = Objects.requireNonNullElse(rule, "");
    reason = Objects.requireNonNullElse(reason, "");
  }

  public boolean changed() {
    return recorded != replayed;
  }
}

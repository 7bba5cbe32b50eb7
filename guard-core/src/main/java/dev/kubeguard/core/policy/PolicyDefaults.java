package dev.kubeguard.core.policy;

import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Obligations;

/**
 * The obligations every rule of one load takes unless it sets its own: the {@code spec.defaults}
 * of the GuardPolicy documents loaded together, applied alike to GuardPolicy rules (of any of
 * those documents) and to the rules RBAC bindings grant. A field set by several GuardPolicies must
 * have the same value in all of them, else the load fails naming both places: an RBAC binding
 * could not tell whose default is meant. Unset everywhere: {@link Obligations#defaults()}
 * (Metadata, the default masking profile). Single-use, not thread-safe.
 */
final class PolicyDefaults {

  private Obligations value = Obligations.defaults();
  private Node auditLevelFrom;
  private Node maskingProfileFrom;

  /** Takes the {@code defaults} of one GuardPolicy (a missing node sets nothing). */
  void add(Node defaults) throws PolicyLoadException {
    if (defaults.isMissing()) {
      return;
    }
    defaults.requireObject();
    Node level = defaults.get("auditLevel");
    if (!level.isMissing()) {
      AuditLevel parsed;
      try {
        parsed = AuditLevel.parse(level.string());
      } catch (IllegalArgumentException e) {
        throw level.error(e.getMessage());
      }
      if (auditLevelFrom != null && parsed != value.auditLevel()) {
        throw conflict(level, auditLevelFrom);
      }
      if (auditLevelFrom == null) {
        value = value.withAuditLevel(parsed);
        auditLevelFrom = level;
      }
    }
    Node profile = defaults.get("maskingProfile");
    if (!profile.isMissing()) {
      String p = profile.string();
      if (maskingProfileFrom != null && !p.equals(value.maskingProfile())) {
        throw conflict(profile, maskingProfileFrom);
      }
      if (maskingProfileFrom == null) {
        value = value.withMaskingProfile(p);
        maskingProfileFrom = profile;
      }
    }
  }

  private static PolicyLoadException conflict(Node here, Node first) {
    return here.error(
        "differs from the default set in " + first.document().source() + " document " + first.document().number()
            + ", " + first.path() + ": GuardPolicy defaults apply to every rule loaded with them (RBAC bindings"
            + " included), so they must agree; set per-rule obligations instead");
  }

  /** The defaults of this load. */
  Obligations value() {
    return value;
  }
}

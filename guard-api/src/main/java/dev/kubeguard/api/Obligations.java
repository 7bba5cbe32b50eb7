package dev.kubeguard.api;

import java.util.Objects;

/**
 * What a decision obliges the Guard to do besides allowing or denying: how much to record, which
 * masking profile to apply to the response, and, for {@link Decision.Effect#REQUIRE_APPROVAL},
 * what approval takes ({@code null} otherwise). Immutable.
 */
public record Obligations(AuditLevel auditLevel, String maskingProfile, ApprovalRequirement approval) {

  /** The masking profile applied unless a rule names another. */
  public static final String DEFAULT_PROFILE = "default";

  private static final Obligations DEFAULTS = new Obligations(AuditLevel.METADATA, DEFAULT_PROFILE, null);

  public Obligations {
    auditLevel = Objects.requireNonNullElse(auditLevel, AuditLevel.METADATA);
    maskingProfile = maskingProfile == null || maskingProfile.isBlank() ? DEFAULT_PROFILE : maskingProfile;
  }

  /** Metadata-level audit, the default masking profile, no approval. */
  public static Obligations defaults() {
    return DEFAULTS;
  }

  /** These obligations with {@code level}; this instance itself when it already has that level. */
  public Obligations withAuditLevel(AuditLevel level) {
    if (level == auditLevel) {
      return this;
    }
    return new Obligations(level, maskingProfile, approval);
  }

  public Obligations withMaskingProfile(String profile) {
    return new Obligations(auditLevel, profile, approval);
  }

  public Obligations withApproval(ApprovalRequirement requirement) {
    return new Obligations(auditLevel, maskingProfile, requirement);
  }
}

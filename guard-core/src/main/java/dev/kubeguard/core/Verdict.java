package dev.kubeguard.core;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Obligations;
import java.util.Objects;

/**
 * The Guard's final word on one request: forward it or answer the denial, plus what forwarding
 * obliges (masking profile, audit id to send as {@code Audit-ID}).
 *
 * <p>Immutable and thread-safe. A denied verdict carries the exact {@code v1 Status} body and
 * HTTP code to answer with; adapters send those bytes and never call the server.
 *
 * @param allowed whether the request may be forwarded
 * @param decision the decision behind it (after approval, if one was needed)
 * @param request the primary question, or {@code null} when the request could not be classified
 * @param auditId the audit id recorded and sent to the API server as {@code Audit-ID}
 * @param approvalId the approval involved, or {@code ""}
 * @param httpStatus 0 when allowed, else the status to answer (403; 422 for a write of masked values)
 * @param message why it was denied, or {@code ""}
 */
record Verdict(
    boolean allowed,
    Decision decision,
    AccessRequest request,
    String auditId,
    String approvalId,
    int httpStatus,
    String message,
    byte[] statusBody) {

  public Verdict {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(auditId, "auditId");
    approvalId = approvalId == null ? "" : approvalId;
    message = message == null ? "" : message;
    statusBody = statusBody == null || statusBody.length == 0 ? NO_BODY : statusBody.clone();
    if (allowed != (httpStatus == 0)) {
      throw new IllegalArgumentException("an allowed verdict has no status; a denied one has one");
    }
  }

  /** The {@code v1 Status} JSON to answer a denial with (empty when allowed). */
  @Override
  public byte[] statusBody() {
    return statusBody.length == 0 ? NO_BODY : statusBody.clone();
  }

  private static final byte[] NO_BODY = new byte[0];

  /** The masking profile the response must go through ({@code "none"} means pass-through). */
  public String maskingProfile() {
    return decision.obligations().maskingProfile();
  }

  /** Whether the response must be masked, so the request must ask for a body the masker reads. */
  public boolean masksResponse() {
    return !"none".equals(maskingProfile());
  }

  public Obligations obligations() {
    return decision.obligations();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Verdict v && v.allowed == allowed && v.auditId.equals(auditId) && v.decision.equals(decision);
  }

  @Override
  public int hashCode() {
    return auditId.hashCode();
  }

  @Override
  public String toString() {
    return "Verdict[" + (allowed ? "ALLOW" : "DENY " + httpStatus) + ", rule=" + decision.ruleId()
        + ", auditId=" + auditId + (approvalId.isEmpty() ? "" : ", approval=" + approvalId) + "]";
  }
}

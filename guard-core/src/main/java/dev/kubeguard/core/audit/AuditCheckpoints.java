package dev.kubeguard.core.audit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import java.time.Duration;
import java.util.Objects;

/**
 * Signed checkpoints for {@link JsonlAuditRecorder}: every {@code everyEvents} events and/or every
 * {@code every}, and always at close, the writer signs the chain's head (sequence number and hash
 * of the last fsynced line) as a compact JWS and atomically replaces the sidecar file
 * {@code <active file>.checkpoint}. {@link AuditVerifier} with the public key then detects a tail
 * cut off before the checkpointed line. Lines written after the last checkpoint are protected by
 * the hash chain only: cutting them off is not detectable. Keep copies of checkpoints off-host if
 * an attacker could also roll the sidecar back.
 *
 * @param signer signs the checkpoints; used from the writer thread only
 * @param algorithm the JWS algorithm, one the signer supports (ES256, RS256, ...)
 * @param keyId the {@code kid} header, so verifiers can pick the key; may be empty
 * @param everyEvents checkpoint after this many events, or 0 for no count trigger
 * @param every checkpoint after this much time with new events, or null for no time trigger
 */
public record AuditCheckpoints(
    JWSSigner signer, JWSAlgorithm algorithm, String keyId, int everyEvents, Duration every) {

  public AuditCheckpoints {
    Objects.requireNonNull(signer, "checkpoint signer");
    Objects.requireNonNull(algorithm, "checkpoint algorithm");
    keyId = keyId == null ? "" : keyId;
    if (!signer.supportedJWSAlgorithms().contains(algorithm)) {
      throw new IllegalArgumentException(
          "checkpoint signer does not support " + algorithm + ": use one of " + signer.supportedJWSAlgorithms());
    }
    if (everyEvents < 0) {
      throw new IllegalArgumentException("everyEvents must be >= 0, got " + everyEvents);
    }
    if (every != null && (every.isNegative() || every.isZero())) {
      throw new IllegalArgumentException("checkpoint interval must be positive, got " + every);
    }
  }

  /** Checkpoints only at close, plus every {@code everyEvents} events. */
  public static AuditCheckpoints every(JWSSigner signer, JWSAlgorithm algorithm, String keyId, int everyEvents) {
    return new AuditCheckpoints(signer, algorithm, keyId, everyEvents, null);
  }
}

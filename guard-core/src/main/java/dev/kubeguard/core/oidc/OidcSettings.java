package dev.kubeguard.core.oidc;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings shared by every issuer of one authenticator. Validated by the public builder, which
 * explains what to fix; this record only guards against nulls. Immutable and thread-safe.
 *
 * @param clockSkew tolerance applied to {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenBytes longest token accepted, checked before any parsing
 * @param connectTimeout HTTP connect timeout for discovery and JWKS
 * @param readTimeout HTTP read timeout for discovery and JWKS
 * @param jwksCacheTtl how long fetched keys are used before a refresh is required
 * @param jwksRefreshMinInterval window in which at most two JWKS fetches happen (unknown kid)
 * @param discoveryRetryInterval how long a failed discovery is remembered before it is retried
 * @param clock the time source for claim checks
 */
record OidcSettings(
    Duration clockSkew,
    int maxTokenBytes,
    Duration connectTimeout,
    Duration readTimeout,
    Duration jwksCacheTtl,
    Duration jwksRefreshMinInterval,
    Duration discoveryRetryInterval,
    Clock clock) {

  /** Largest JWKS or discovery document read from an issuer. */
  public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  public OidcSettings {
    Objects.requireNonNull(clockSkew, "clockSkew");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(jwksCacheTtl, "jwksCacheTtl");
    Objects.requireNonNull(jwksRefreshMinInterval, "jwksRefreshMinInterval");
    Objects.requireNonNull(discoveryRetryInterval, "discoveryRetryInterval");
    Objects.requireNonNull(clock, "clock");
  }
}

package dev.kubeguard.core.oidc;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import dev.kubeguard.api.spi.Authenticator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OIDC / JWT bearer tokens from one or more trusted issuers and maps them to an
 * {@link Identity} with kube-apiserver's OIDC semantics (see {@link OidcIssuer}).
 *
 * <p>For each token: size limit; compact signed JWT only ({@code none} and JWE rejected); the
 * unverified {@code iss} picks the issuer configuration (unknown issuer: rejected); the algorithm
 * must be on that issuer's allow-list; the signature must verify with a key from the issuer's JWKS
 * (cached, refreshed ahead of expiry, refreshed at most twice per
 * {@link Builder#jwksRefreshMinInterval} on an unknown {@code kid}); {@code typ} is {@code JWT},
 * {@code at+jwt} or absent; {@code iss} exact, {@code aud} required and matching, {@code exp}
 * required, {@code nbf}/{@code iat} within the clock skew; then the claim mapping and required
 * claims. Every authenticated identity is in group {@code system:authenticated}.
 *
 * <pre>{@code
 * Authenticator auth = OidcAuthenticator.builder()
 *     .issuer(OidcIssuer.builder(URI.create("https://login.example.com"))
 *         .audience("kubernetes").groupsClaim("groups").groupsPrefix("oidc:").build())
 *     .build();
 * }</pre>
 *
 * <p><b>Threading:</b> thread-safe; share one instance. <b>Blocking:</b> the first token of an
 * issuer runs discovery and fetches its JWKS, later ones only when keys must be refreshed, each
 * bounded by the HTTP timeouts. <b>Failure:</b> fails closed: any check that fails or cannot be
 * made (issuer unreachable included) is an {@link AuthenticationException} whose message says which
 * check failed, for the operator's log (also logged at WARN), and never contains the token; callers
 * must only be shown {@link AuthenticationException#PUBLIC_MESSAGE}. {@link #close()} stops
 * background key refreshes.
 */
public final class OidcAuthenticator implements Authenticator, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OidcAuthenticator.class);

  private final Map<String, IssuerVerifier> byIssuer;
  private final int maxTokenBytes;

  private OidcAuthenticator(Map<String, IssuerVerifier> byIssuer, int maxTokenBytes) {
    this.byIssuer = Map.copyOf(byIssuer);
    this.maxTokenBytes = maxTokenBytes;
  }

  /** Starts a configuration; at least one {@link OidcIssuer} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Identity authenticate(String bearerToken) throws AuthenticationException {
    try {
      UnverifiedToken token = UnverifiedToken.parse(bearerToken, maxTokenBytes);
      IssuerVerifier verifier = byIssuer.get(token.issuer());
      if (verifier == null) {
        throw new AuthenticationException(
            "unknown issuer: token iss " + LogSafe.quote(token.issuer())
                + " matches no configured issuer " + byIssuer.keySet());
      }
      return verifier.verify(token.jwt());
    } catch (AuthenticationException e) {
      LOG.warn("OIDC token rejected: {}", e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      // A bug or an unexpected library failure must still deny, and say so to the operator.
      LOG.warn("OIDC token rejected: unexpected {} during verification", e.getClass().getName(), e);
      throw new AuthenticationException(
          "unexpected " + e.getClass().getSimpleName() + " during token verification", e);
    }
  }

  /** Stops background JWKS refreshes. Tokens are not accepted reliably afterwards. */
  @Override
  public void close() {
    byIssuer.values().forEach(IssuerVerifier::close);
  }

  /**
   * Collects issuers and shared settings; {@link #build()} validates them and throws
   * {@link IllegalArgumentException} saying what to fix. Not thread-safe.
   */
  public static final class Builder {
    private final List<OidcIssuer> issuers = new ArrayList<>();
    private Duration clockSkew = Duration.ofSeconds(60);
    private int maxTokenBytes = 16 * 1024;
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration readTimeout = Duration.ofSeconds(5);
    private Duration jwksCacheTtl = Duration.ofMinutes(5);
    private Duration jwksRefreshMinInterval = Duration.ofSeconds(30);
    private Duration discoveryRetryInterval = Duration.ofSeconds(10);
    private boolean eagerDiscovery;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Trusts tokens of {@code issuer}; call once per issuer. */
    public Builder issuer(OidcIssuer issuer) {
      issuers.add(Objects.requireNonNull(issuer, "issuer"));
      return this;
    }

    /** Tolerance for {@code exp}, {@code nbf}, {@code iat}; default 60 s, at most 5 minutes. */
    public Builder clockSkew(Duration skew) {
      this.clockSkew = Objects.requireNonNull(skew, "skew");
      return this;
    }

    /** Longest token accepted, checked before parsing; default 16384, range 1024..1048576. */
    public Builder maxTokenBytes(int bytes) {
      this.maxTokenBytes = bytes;
      return this;
    }

    /** HTTP timeouts for discovery and JWKS; default 3 s connect, 5 s read, each at most 30 s. */
    public Builder httpTimeouts(Duration connect, Duration read) {
      this.connectTimeout = Objects.requireNonNull(connect, "connect");
      this.readTimeout = Objects.requireNonNull(read, "read");
      return this;
    }

    /** How long fetched keys are used (refreshed ahead of the end); default 5 min, at least 1. */
    public Builder jwksCacheTtl(Duration ttl) {
      this.jwksCacheTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * Window in which an issuer's JWKS is fetched at most twice, whatever unknown {@code kid}s
     * tokens carry; default 30 s. Must be shorter than the cache TTL.
     */
    public Builder jwksRefreshMinInterval(Duration interval) {
      this.jwksRefreshMinInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** How long a failed discovery is remembered before retrying; default 10 s. */
    public Builder discoveryRetryInterval(Duration interval) {
      this.discoveryRetryInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Runs discovery for every issuer inside {@link #build()} (bounded by the HTTP timeouts), which
     * then fails with {@link IllegalStateException} if an issuer is unreachable. Default: lazily,
     * on each issuer's first token.
     */
    public Builder eagerDiscovery(boolean eager) {
      this.eagerDiscovery = eager;
      return this;
    }

    /** Time source for the claim checks; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Validates the configuration and builds the authenticator. */
    public OidcAuthenticator build() {
      if (issuers.isEmpty()) {
        throw new IllegalArgumentException(
            "OidcAuthenticator needs at least one issuer: call issuer(OidcIssuer.builder(uri)"
                + ".audience(...).build())");
      }
      requireRange("clockSkew", clockSkew, Duration.ZERO, Duration.ofMinutes(5));
      if (maxTokenBytes < 1024 || maxTokenBytes > 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxTokenBytes must be between 1024 and 1048576, was " + maxTokenBytes);
      }
      requireRange("connect timeout", connectTimeout, Duration.ofMillis(1), Duration.ofSeconds(30));
      requireRange("read timeout", readTimeout, Duration.ofMillis(1), Duration.ofSeconds(30));
      requireRange("jwksCacheTtl", jwksCacheTtl, Duration.ofMinutes(1), Duration.ofDays(1));
      requireRange(
          "jwksRefreshMinInterval", jwksRefreshMinInterval, Duration.ofMillis(1), jwksCacheTtl);
      requireRange(
          "discoveryRetryInterval", discoveryRetryInterval, Duration.ZERO, Duration.ofHours(1));
      OidcSettings settings =
          new OidcSettings(
              clockSkew,
              maxTokenBytes,
              connectTimeout,
              readTimeout,
              jwksCacheTtl,
              jwksRefreshMinInterval,
              discoveryRetryInterval,
              clock);
      Map<String, IssuerVerifier> byIssuer = new LinkedHashMap<>();
      for (OidcIssuer issuer : issuers) {
        String key = issuer.issuer().toString();
        if (byIssuer.putIfAbsent(key, new IssuerVerifier(issuer, settings)) != null) {
          throw new IllegalArgumentException(
              "issuer " + key + " is configured twice; configure each issuer once"
                  + " (several audiences go on one OidcIssuer)");
        }
      }
      if (eagerDiscovery) {
        for (IssuerVerifier v : byIssuer.values()) {
          try {
            v.prepare();
          } catch (AuthenticationException e) {
            byIssuer.values().forEach(IssuerVerifier::close);
            throw new IllegalStateException(e.getMessage(), e);
          }
        }
      }
      return new OidcAuthenticator(byIssuer, maxTokenBytes);
    }

    private static void requireRange(String name, Duration value, Duration min, Duration max) {
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", was " + value);
      }
    }
  }
}

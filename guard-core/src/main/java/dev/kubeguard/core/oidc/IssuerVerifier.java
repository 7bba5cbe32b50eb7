package dev.kubeguard.core.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Verifies tokens of one issuer: algorithm allow-list, signature with keys from the issuer's JWKS,
 * token type ({@code JWT}, {@code at+jwt} or none), registered claims, then claim mapping.
 *
 * <p>The key source is set up on first use (or by {@link #prepare()}): a failed discovery fails
 * that call closed and is retried after {@link OidcSettings#discoveryRetryInterval()}, so an
 * issuer outage neither hammers the issuer nor sticks forever. Thread-safe; the first call may
 * block for the configured HTTP timeouts while others wait for it.
 */
final class IssuerVerifier implements AutoCloseable {
  /** JWT, RFC 9068 access tokens, and no typ at all (many OIDC ID tokens carry none). */
  private static final Set<JOSEObjectType> TYPES =
      Collections.unmodifiableSet(
          new HashSet<>(Arrays.asList(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null)));

  private final OidcIssuer config;
  private final OidcSettings settings;
  private final Set<JWSAlgorithm> algorithms;
  private final ClaimMapper mapper;
  private final Object lock = new Object();
  private volatile DefaultJWTProcessor<SecurityContext> processor;
  private JWKSource<SecurityContext> keys;
  private long retryAtNanos;
  private String lastFailure;

  public IssuerVerifier(OidcIssuer config, OidcSettings settings) {
    this.config = config;
    this.settings = settings;
    this.algorithms = Algorithms.toJws(config.algorithms());
    this.mapper = new ClaimMapper(config);
  }

  /** The configured issuer, as tokens carry it in {@code iss}. */
  public String issuer() {
    return config.issuer().toString();
  }

  /** Runs discovery now instead of on the first token. */
  public void prepare() throws AuthenticationException {
    processor();
  }

  /** The identity in {@code jwt}, or an exception whose message names the failed check. */
  public Identity verify(SignedJWT jwt) throws AuthenticationException {
    JWSHeader header = jwt.getHeader();
    if (!algorithms.contains(header.getAlgorithm())) {
      throw new AuthenticationException(
          "algorithm " + LogSafe.quote(header.getAlgorithm()) + " not allowed for issuer "
              + issuer() + " (allowed " + config.algorithms() + ")");
    }
    DefaultJWTProcessor<SecurityContext> p = processor();
    JWTClaimsSet claims;
    try {
      claims = p.process(jwt, null);
    } catch (BadJWTException e) {
      throw new AuthenticationException(e.getMessage(), e);
    } catch (BadJOSEException e) {
      if (e.getMessage() != null && e.getMessage().contains("no matching key")) {
        throw new AuthenticationException(
            "unknown signing key: no key in the JWKS of issuer " + issuer() + " matches kid "
                + LogSafe.quote(header.getKeyID()) + " and alg " + header.getAlgorithm()
                + " (keys come only from the issuer's JWKS, never from the token header)",
            e);
      }
      throw new AuthenticationException(
          "token rejected for issuer " + issuer() + " (kid " + LogSafe.quote(header.getKeyID())
              + ", alg " + header.getAlgorithm() + ", typ " + LogSafe.quote(header.getType())
              + "): " + e.getMessage(),
          e);
    } catch (RateLimitReachedException e) {
      throw new AuthenticationException(
          "no key for kid " + LogSafe.quote(header.getKeyID()) + " in the JWKS of issuer "
              + issuer() + ", and the JWKS was refreshed too recently to refresh again",
          e);
    } catch (KeySourceException e) {
      throw new AuthenticationException(
          "could not fetch the JWKS of issuer " + issuer() + ": " + e.getMessage(), e);
    } catch (JOSEException e) {
      throw new AuthenticationException(
          "signature check failed for issuer " + issuer() + ": " + e.getMessage(), e);
    }
    // Map from the signed payload as JSON: the claims set above has Nimbus' coercions applied
    // (a numeric sub becomes a string), which kube-apiserver does not do.
    Map<String, Object> payload = jwt.getPayload().toJSONObject();
    if (payload == null) {
      throw new AuthenticationException("malformed token: payload is not a JSON object");
    }
    return mapper.map(claims.getIssuer(), payload);
  }

  private DefaultJWTProcessor<SecurityContext> processor() throws AuthenticationException {
    DefaultJWTProcessor<SecurityContext> p = processor;
    if (p != null) {
      return p;
    }
    synchronized (lock) {
      if (processor != null) {
        return processor;
      }
      long now = System.nanoTime();
      if (lastFailure != null && now - retryAtNanos < 0) {
        throw new AuthenticationException(
            "issuer " + issuer() + " unavailable (retrying in "
                + Math.max(1, (retryAtNanos - now) / 1_000_000_000L) + "s): " + lastFailure);
      }
      try {
        URI jwksUri = IssuerKeys.jwksUri(config, settings);
        keys = IssuerKeys.open(jwksUri, settings);
        processor = newProcessor(keys);
        lastFailure = null;
        return processor;
      } catch (IOException | RuntimeException e) {
        lastFailure = "discovery failed: " + e.getMessage();
        retryAtNanos = now + settings.discoveryRetryInterval().toNanos();
        throw new AuthenticationException(
            "issuer " + issuer() + " unavailable: " + lastFailure, e);
      }
    }
  }

  private DefaultJWTProcessor<SecurityContext> newProcessor(JWKSource<SecurityContext> source) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPES));
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, source));
    p.setJWTClaimsSetVerifier(
        new ClaimsChecker(issuer(), config.audiences(), settings.clockSkew(), settings.clock()));
    return p;
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (keys instanceof Closeable) {
        try {
          ((Closeable) keys).close();
        } catch (IOException ignored) {
          // Closing only stops background refresh; nothing to recover.
        }
      }
    }
  }
}

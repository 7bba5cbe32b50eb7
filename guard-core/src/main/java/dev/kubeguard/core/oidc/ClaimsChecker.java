package dev.kubeguard.core.oidc;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks the registered claims of a token whose signature already verified: {@code iss} exactly,
 * {@code aud} required and matching, {@code exp} required, {@code nbf} and {@code iat} when present,
 * all time checks with a bounded skew. Written out instead of Nimbus' default verifier because
 * that one skips absent {@code exp} and gives messages an operator cannot act on. Each message
 * says which check failed and never contains the token. Immutable and thread-safe.
 */
final class ClaimsChecker implements JWTClaimsSetVerifier<SecurityContext> {
  private final String issuer;
  private final Set<String> audiences;
  private final Duration skew;
  private final Clock clock;

  public ClaimsChecker(String issuer, Set<String> audiences, Duration skew, Clock clock) {
    this.issuer = issuer;
    this.audiences = Set.copyOf(audiences);
    this.skew = skew;
    this.clock = clock;
  }

  @Override
  public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
    if (!issuer.equals(claims.getIssuer())) {
      throw new BadJWTException(
          "issuer mismatch: token iss " + LogSafe.quote(claims.getIssuer())
              + " is not the configured issuer \"" + issuer + "\"");
    }
    List<String> aud = claims.getAudience();
    if (aud.isEmpty()) {
      throw new BadJWTException(
          "missing audience: token has no aud claim; configured audiences " + audiences);
    }
    if (aud.stream().noneMatch(audiences::contains)) {
      throw new BadJWTException(
          "audience mismatch: token aud " + LogSafe.quote(aud)
              + " does not contain configured audience " + describe(audiences));
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new BadJWTException("missing expiry: token has no exp claim");
    }
    if (now.isAfter(exp.toInstant().plus(skew))) {
      throw new BadJWTException(
          "token expired at " + exp.toInstant() + " (now " + now + ", allowed skew " + skew + ")");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
      throw new BadJWTException(
          "token not yet valid: nbf " + nbf.toInstant() + " (now " + now + ", allowed skew "
              + skew + ")");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && now.plus(skew).isBefore(iat.toInstant())) {
      throw new BadJWTException(
          "token issued in the future: iat " + iat.toInstant() + " (now " + now
              + ", allowed skew " + skew + ")");
    }
  }

  private static String describe(Set<String> audiences) {
    return audiences.size() == 1 ? audiences.iterator().next() : "any of " + audiences;
  }
}

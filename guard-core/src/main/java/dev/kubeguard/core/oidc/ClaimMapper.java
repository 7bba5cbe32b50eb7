package dev.kubeguard.core.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the claims of a verified token to an {@link Identity} the way kube-apiserver's OIDC
 * authenticator does (see {@link OidcIssuer}), then adds {@code system:authenticated} as the
 * apiserver's authenticated-group adder does. Immutable and thread-safe.
 */
final class ClaimMapper {
  private final OidcIssuer config;
  private final String usernamePrefix;

  public ClaimMapper(OidcIssuer config) {
    this.config = config;
    this.usernamePrefix = config.effectiveUsernamePrefix();
  }

  /** The identity for {@code claims}; rejects what kube-apiserver would reject. */
  public Identity map(JWTClaimsSet claims) throws AuthenticationException {
    checkRequiredClaims(claims);
    String username = requiredString(claims, config.usernameClaim(), "username");
    if ("email".equals(config.usernameClaim())) {
      checkEmailVerified(claims);
    }
    String uid = config.uidClaim().isEmpty() ? "" : requiredString(claims, config.uidClaim(), "uid");
    List<String> groups = new ArrayList<>();
    if (!config.groupsClaim().isEmpty() && claims.getClaims().containsKey(config.groupsClaim())) {
      for (String g : stringOrArray(claims, config.groupsClaim(), "groups")) {
        groups.add(config.groupsPrefix() + g);
      }
    }
    if (!groups.contains(Identity.AUTHENTICATED)) {
      groups.add(Identity.AUTHENTICATED);
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : config.extraClaims().entrySet()) {
      if (claims.getClaims().containsKey(e.getValue())) {
        extra.put(e.getKey(), stringOrArray(claims, e.getValue(), "extra"));
      }
    }
    return new Identity(usernamePrefix + username, uid, groups, extra, claims.getIssuer());
  }

  private void checkRequiredClaims(JWTClaimsSet claims) throws AuthenticationException {
    for (Map.Entry<String, String> e : config.requiredClaims().entrySet()) {
      Object value = claims.getClaim(e.getKey());
      if (value == null) {
        throw new AuthenticationException("required claim \"" + e.getKey() + "\" is missing");
      }
      if (!(value instanceof String)) {
        throw new AuthenticationException("required claim \"" + e.getKey() + "\" is not a string");
      }
      if (!value.equals(e.getValue())) {
        throw new AuthenticationException(
            "required claim \"" + e.getKey() + "\" has value " + LogSafe.quote(value)
                + ", configured value \"" + e.getValue() + "\"");
      }
    }
  }

  private static void checkEmailVerified(JWTClaimsSet claims) throws AuthenticationException {
    if (!claims.getClaims().containsKey("email_verified")) {
      return;
    }
    Object verified = claims.getClaim("email_verified");
    if (!(verified instanceof Boolean)) {
      throw new AuthenticationException("email_verified claim is not a boolean");
    }
    if (!(Boolean) verified) {
      throw new AuthenticationException("email not verified: email_verified is false");
    }
  }

  private static String requiredString(JWTClaimsSet claims, String claim, String role)
      throws AuthenticationException {
    Object value = claims.getClaim(claim);
    if (value == null) {
      throw new AuthenticationException(role + " claim \"" + claim + "\" is missing");
    }
    if (!(value instanceof String)) {
      throw new AuthenticationException(role + " claim \"" + claim + "\" is not a string");
    }
    String s = (String) value;
    if (s.isBlank()) {
      throw new AuthenticationException(role + " claim \"" + claim + "\" is empty");
    }
    return s;
  }

  private static List<String> stringOrArray(JWTClaimsSet claims, String claim, String role)
      throws AuthenticationException {
    Object value = claims.getClaim(claim);
    if (value instanceof String) {
      return List.of((String) value);
    }
    if (value instanceof List<?>) {
      List<String> out = new ArrayList<>();
      for (Object item : (List<?>) value) {
        if (!(item instanceof String)) {
          break;
        }
        out.add((String) item);
      }
      if (out.size() == ((List<?>) value).size()) {
        return out;
      }
    }
    throw new AuthenticationException(
        role + " claim \"" + claim + "\" must be a string or an array of strings");
  }
}

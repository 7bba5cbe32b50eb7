package dev.kubeguard.core.oidc;

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
 *
 * <p>It reads the payload as the JSON the issuer signed, not Nimbus' {@code JWTClaimsSet}: Nimbus
 * turns a numeric {@code sub} into a string and a string {@code aud} into a list, so typing checks
 * on the claims set would accept tokens kube-apiserver rejects. kube-apiserver unmarshals each
 * claim with Go's {@code encoding/json} into the Go type it needs ({@code claims.unmarshalClaim}):
 * a username, uid or required claim must be a JSON string, groups a string or an array of strings
 * ({@code stringOrArray}), {@code email_verified} a boolean; anything else fails authentication.
 * Where Go's {@code null} handling would yield an empty value (a {@code null} username or uid, a
 * {@code null} inside the groups array) we reject instead: an empty name is never a useful identity.
 * Messages name the claim and the JSON type found, never a value from the token.
 */
final class ClaimMapper {
  private final OidcIssuer config;
  private final String usernamePrefix;

  public ClaimMapper(OidcIssuer config) {
    this.config = config;
    this.usernamePrefix = config.effectiveUsernamePrefix();
  }

  /**
   * The identity for the verified token from {@code issuer} whose payload is {@code claims} (the
   * JSON object as parsed, values typed as JSON: String, Number, Boolean, List, Map or null);
   * rejects what kube-apiserver would reject.
   */
  public Identity map(String issuer, Map<String, Object> claims) throws AuthenticationException {
    checkRequiredClaims(claims);
    String username = requiredString(claims, config.usernameClaim(), "username");
    if ("email".equals(config.usernameClaim())) {
      checkEmailVerified(claims);
    }
    String uid = config.uidClaim().isEmpty() ? "" : requiredString(claims, config.uidClaim(), "uid");
    List<String> groups = new ArrayList<>();
    if (!config.groupsClaim().isEmpty() && claims.containsKey(config.groupsClaim())) {
      for (String g : stringOrArray(claims, config.groupsClaim(), "groups")) {
        groups.add(config.groupsPrefix() + g);
      }
    }
    if (!groups.contains(Identity.AUTHENTICATED)) {
      groups.add(Identity.AUTHENTICATED);
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : config.extraClaims().entrySet()) {
      if (claims.containsKey(e.getValue())) {
        List<String> values = extraValues(claims, e.getValue());
        if (!values.isEmpty()) {
          extra.put(e.getKey(), values);
        }
      }
    }
    return new Identity(usernamePrefix + username, uid, groups, extra, issuer);
  }

  private void checkRequiredClaims(Map<String, Object> claims) throws AuthenticationException {
    for (Map.Entry<String, String> e : config.requiredClaims().entrySet()) {
      if (!claims.containsKey(e.getKey())) {
        throw new AuthenticationException("required claim \"" + e.getKey() + "\" is missing");
      }
      Object value = claims.get(e.getKey());
      if (!(value instanceof String)) {
        throw new AuthenticationException(
            "required claim \"" + e.getKey() + "\" is " + jsonType(value) + ", must be a string");
      }
      if (!value.equals(e.getValue())) {
        // The token's value stays out of the message: it is attacker-chosen token content.
        throw new AuthenticationException(
            "required claim \"" + e.getKey() + "\" does not have the configured value \""
                + e.getValue() + "\"");
      }
    }
  }

  private static void checkEmailVerified(Map<String, Object> claims)
      throws AuthenticationException {
    if (!claims.containsKey("email_verified")) {
      return;
    }
    Object verified = claims.get("email_verified");
    if (!(verified instanceof Boolean)) {
      // Go's json.Unmarshal into a bool fails for "true" (a string) and 1 alike.
      throw new AuthenticationException(
          "email_verified claim is " + jsonType(verified) + ", must be a boolean");
    }
    if (!(Boolean) verified) {
      throw new AuthenticationException("email not verified: email_verified is false");
    }
  }

  private static String requiredString(Map<String, Object> claims, String claim, String role)
      throws AuthenticationException {
    if (!claims.containsKey(claim)) {
      throw new AuthenticationException(role + " claim \"" + claim + "\" is missing");
    }
    Object value = claims.get(claim);
    if (!(value instanceof String)) {
      // A number is not converted: kube-apiserver rejects {"sub": 42}, so 42 never names a user.
      throw new AuthenticationException(
          role + " claim \"" + claim + "\" is " + jsonType(value) + ", must be a string");
    }
    String s = (String) value;
    if (s.isBlank()) {
      throw new AuthenticationException(role + " claim \"" + claim + "\" is empty");
    }
    return s;
  }

  /**
   * kube-apiserver's {@code stringOrArray}: an array of strings, or one string as a one-element
   * list (issue 33290: a "role" claim used as the group); JSON {@code null} is no groups, as Go
   * leaves the slice nil.
   */
  private static List<String> stringOrArray(Map<String, Object> claims, String claim, String role)
      throws AuthenticationException {
    Object value = claims.get(claim);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String) {
      return List.of((String) value);
    }
    if (value instanceof List<?>) {
      List<String> out = new ArrayList<>();
      for (Object item : (List<?>) value) {
        if (!(item instanceof String)) {
          throw new AuthenticationException(
              role + " claim \"" + claim + "\" holds " + jsonType(item)
                  + ", must be a string or an array of strings");
        }
        out.add((String) item);
      }
      return out;
    }
    throw new AuthenticationException(
        role + " claim \"" + claim + "\" is " + jsonType(value)
            + ", must be a string or an array of strings");
  }

  /**
   * Extra values as kube-apiserver's {@code convertCELValueToStringList} makes them from a claim:
   * a string or an array of strings; {@code null}, {@code ""} and empty strings in the array count
   * as absent; anything else fails authentication.
   */
  private static List<String> extraValues(Map<String, Object> claims, String claim)
      throws AuthenticationException {
    List<String> out = new ArrayList<>();
    for (String s : stringOrArray(claims, claim, "extra")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** The JSON type of a parsed claim value, for messages that must not quote the value. */
  static String jsonType(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof List<?>) {
      return "an array";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    return "an unexpected value";
  }
}

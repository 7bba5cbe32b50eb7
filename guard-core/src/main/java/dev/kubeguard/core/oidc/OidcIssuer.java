package dev.kubeguard.core.oidc;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One trusted token issuer and how its tokens map to a Kubernetes user, with the semantics of
 * kube-apiserver's {@code --oidc-*} flags so a cluster admin can copy their settings over:
 *
 * <ul>
 *   <li>{@code usernameClaim} ({@code --oidc-username-claim}, default {@code sub});
 *   <li>{@code usernamePrefix} ({@code --oidc-username-prefix}): when not set and the username
 *       claim is not {@code email}, the prefix is {@code "<issuer>#"}; {@code "-"} disables it;
 *       with the {@code email} claim an {@code email_verified} claim, if present, must be true;
 *   <li>{@code groupsClaim} / {@code groupsPrefix} ({@code --oidc-groups-claim} /
 *       {@code --oidc-groups-prefix}): the claim may be a string or an array of strings;
 *   <li>{@code requiredClaims} ({@code --oidc-required-claim key=value}): each must be present as
 *       a string with exactly that value;
 *   <li>{@code algorithms} ({@code --oidc-signing-algs}, default {@code RS256}): asymmetric JWS
 *       algorithms only.
 * </ul>
 *
 * <p>Keys come from the issuer's JWKS: found through {@code .well-known/openid-configuration}
 * ({@code discovery}) or given as {@code jwksUri}; never from a token's own header.
 *
 * <p>Immutable and thread-safe. The constructor validates everything and throws
 * {@link IllegalArgumentException} saying what to fix; use {@link #builder(URI)}.
 *
 * @param issuer the exact {@code iss} value of this issuer's tokens (https, or http on loopback)
 * @param audiences accepted {@code aud} values; a token must name at least one
 * @param usernameClaim the claim holding the user name
 * @param usernamePrefix the configured prefix, {@code null} for kube-apiserver's default rule
 * @param groupsClaim the claim holding the groups, {@code ""} for none
 * @param groupsPrefix prefix added to every group from the token
 * @param uidClaim the claim holding the uid, {@code ""} for none
 * @param requiredClaims claims that must be present with exactly these string values
 * @param extraClaims {@link dev.kubeguard.api.Identity#extra()} key to the claim it comes from
 * @param algorithms the accepted JWS algorithm names
 * @param discovery whether to find the JWKS through OpenID discovery
 * @param jwksUri the JWKS location when {@code discovery} is false, else {@code null}
 */
public record OidcIssuer(
    URI issuer,
    Set<String> audiences,
    String usernameClaim,
    String usernamePrefix,
    String groupsClaim,
    String groupsPrefix,
    String uidClaim,
    Map<String, String> requiredClaims,
    Map<String, String> extraClaims,
    Set<String> algorithms,
    boolean discovery,
    URI jwksUri) {

  /** The prefix value that turns the username prefix off, as in kube-apiserver. */
  public static final String NO_PREFIX = "-";

  public OidcIssuer {
    Objects.requireNonNull(issuer, "issuer");
    WebUris.requireSecure(issuer, "OIDC issuer");
    if (issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "OIDC issuer " + issuer + " must not have a query or fragment");
    }
    audiences = Set.copyOf(new LinkedHashSet<>(Objects.requireNonNull(audiences, "audiences")));
    if (audiences.isEmpty() || audiences.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "OIDC issuer " + issuer + " needs at least one non-blank audience: call audience(...) "
              + "with the client id (or canonical resource URL) tokens are issued for");
    }
    usernameClaim = requireClaimName(usernameClaim, "usernameClaim", issuer);
    groupsClaim = groupsClaim == null ? "" : groupsClaim.strip();
    groupsPrefix = groupsPrefix == null ? "" : groupsPrefix;
    uidClaim = uidClaim == null ? "" : uidClaim.strip();
    requiredClaims = Map.copyOf(Objects.requireNonNull(requiredClaims, "requiredClaims"));
    requiredClaims.keySet().forEach(k -> requireClaimName(k, "requiredClaim key", issuer));
    extraClaims = Map.copyOf(Objects.requireNonNull(extraClaims, "extraClaims"));
    extraClaims.forEach(
        (key, claim) -> {
          if (key.isBlank() || !key.equals(key.toLowerCase(Locale.ROOT)) || !key.contains("/")) {
            throw new IllegalArgumentException(
                "extra key \"" + key + "\" of OIDC issuer " + issuer
                    + " must be a lowercase domain-prefixed path such as example.com/team,"
                    + " as kube-apiserver requires");
          }
          requireClaimName(claim, "extraClaim claim", issuer);
        });
    algorithms = Set.copyOf(Objects.requireNonNull(algorithms, "algorithms"));
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException(
          "OIDC issuer " + issuer + " needs at least one signing algorithm, e.g. RS256");
    }
    algorithms.forEach(a -> Algorithms.requireAllowed(a, issuer.toString()));
    if (discovery && jwksUri != null) {
      throw new IllegalArgumentException(
          "OIDC issuer " + issuer + ": give either discovery(true) or jwksUri(...), not both");
    }
    if (!discovery) {
      if (jwksUri == null) {
        throw new IllegalArgumentException(
            "OIDC issuer " + issuer + " has discovery off: give jwksUri(...) for its keys");
      }
      WebUris.requireSecure(jwksUri, "jwksUri");
    }
  }

  /** Starts a configuration for tokens whose {@code iss} is exactly {@code issuer}. */
  public static Builder builder(URI issuer) {
    return new Builder(issuer);
  }

  /**
   * The prefix actually put in front of user names: the configured one, {@code ""} for
   * {@link #NO_PREFIX}, and when none was configured {@code "<issuer>#"} unless the username claim
   * is {@code email} (kube-apiserver's rule).
   */
  public String effectiveUsernamePrefix() {
    if (usernamePrefix == null) {
      return "email".equals(usernameClaim) ? "" : issuer + "#";
    }
    return NO_PREFIX.equals(usernamePrefix) ? "" : usernamePrefix;
  }

  private static String requireClaimName(String name, String what, URI issuer) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " of OIDC issuer " + issuer + " must not be blank");
    }
    return name.strip();
  }

  /**
   * Collects one issuer's settings; {@link #build()} validates them. Not thread-safe; use one
   * builder per thread.
   */
  public static final class Builder {
    private final URI issuer;
    private final List<String> audiences = new ArrayList<>();
    private String usernameClaim = "sub";
    private String usernamePrefix;
    private String groupsClaim = "";
    private String groupsPrefix = "";
    private String uidClaim = "";
    private final Map<String, String> requiredClaims = new LinkedHashMap<>();
    private final Map<String, String> extraClaims = new LinkedHashMap<>();
    private final Set<String> algorithms = new LinkedHashSet<>();
    private Boolean discovery;
    private URI jwksUri;

    private Builder(URI issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    /** Adds an accepted audience ({@code --oidc-client-id}); a token must name at least one. */
    public Builder audience(String audience) {
      audiences.add(Objects.requireNonNull(audience, "audience"));
      return this;
    }

    /** The claim holding the user name; default {@code sub}. */
    public Builder usernameClaim(String claim) {
      this.usernameClaim = claim;
      return this;
    }

    /** Prefix for user names; {@code "-"} for none. Unset: kube-apiserver's default rule. */
    public Builder usernamePrefix(String prefix) {
      this.usernamePrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** The claim holding the groups (a string or an array of strings); default none. */
    public Builder groupsClaim(String claim) {
      this.groupsClaim = Objects.requireNonNull(claim, "claim");
      return this;
    }

    /** Prefix added to every group taken from the token; default none. */
    public Builder groupsPrefix(String prefix) {
      this.groupsPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** The claim holding the uid; when set, a token without it is rejected. Default none. */
    public Builder uidClaim(String claim) {
      this.uidClaim = Objects.requireNonNull(claim, "claim");
      return this;
    }

    /** Requires claim {@code key} to be present with exactly the string {@code value}. */
    public Builder requiredClaim(String key, String value) {
      requiredClaims.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Copies claim {@code claim} (string or array of strings), when present, into extra. */
    public Builder extraClaim(String extraKey, String claim) {
      extraClaims.put(
          Objects.requireNonNull(extraKey, "extraKey"), Objects.requireNonNull(claim, "claim"));
      return this;
    }

    /** The accepted JWS algorithms (e.g. {@code "RS256", "ES256", "PS256"}); default RS256. */
    public Builder algorithms(String... names) {
      algorithms.clear();
      algorithms.addAll(List.of(names));
      return this;
    }

    /** Whether to find keys through {@code .well-known/openid-configuration}; default yes. */
    public Builder discovery(boolean discovery) {
      this.discovery = discovery;
      return this;
    }

    /** Where the JWKS is, instead of discovery. */
    public Builder jwksUri(URI jwksUri) {
      this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} saying what to fix. */
    public OidcIssuer build() {
      boolean useDiscovery = discovery != null ? discovery : jwksUri == null;
      return new OidcIssuer(
          issuer,
          new LinkedHashSet<>(audiences),
          usernameClaim,
          usernamePrefix,
          groupsClaim,
          groupsPrefix,
          uidClaim,
          requiredClaims,
          extraClaims,
          algorithms.isEmpty() ? Set.of("RS256") : algorithms,
          useDiscovery,
          jwksUri);
    }
  }
}

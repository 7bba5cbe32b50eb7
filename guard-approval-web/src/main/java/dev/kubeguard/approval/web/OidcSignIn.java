package dev.kubeguard.approval.web;

import dev.kubeguard.core.oidc.WebUris;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Browser sign-in at the OIDC issuer (the authorization-code flow with PKCE and a nonce), for
 * {@link ApprovalWeb.Builder#oidcSignIn}: the sign-in page offers "Sign in with {@code label}",
 * the browser goes to the issuer and comes back to {@code redirectUri} with a code, the page
 * redeems it at the issuer's token endpoint, and the id token it gets is verified by the
 * {@link ApprovalWeb.Builder#oidc OidcAuthenticator} exactly as a pasted one is (signature,
 * issuer, audience, expiry, claims), plus its nonce. Endpoints come from the issuer's discovery
 * document, which must name this issuer.
 *
 * <p>Register {@code redirectUri} with the issuer for {@code clientId}; it must end in
 * {@code {base}/signin/callback}, where {@code base} is where the page is mounted. A confidential
 * client also gives its {@code clientSecret} (sent as HTTP Basic to the token endpoint); a public
 * client relies on PKCE alone.
 *
 * <p>Immutable and thread-safe. {@link Builder#build()} throws an {@code IllegalStateException}
 * naming every problem (an http issuer or redirect URI off loopback, a redirect URI that is not the
 * page's callback, a bad scope, a timeout out of range). Nothing is fetched at build: an issuer
 * that cannot be reached or describes another issuer makes each sign-in attempt fail with a
 * message on the sign-in page until it can.
 */
public final class OidcSignIn {

  /** The path below the page's base the issuer sends the browser back to. */
  public static final String CALLBACK_PATH = "/signin/callback";

  final URI issuer;
  final String clientId;
  final String clientSecret;
  final URI redirectUri;
  final List<String> scopes;
  final String label;
  final Duration timeout;

  private OidcSignIn(Builder b) {
    this.issuer = b.issuer;
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.redirectUri = b.redirectUri;
    Set<String> s = new LinkedHashSet<>();
    s.add("openid");
    s.addAll(b.scopes);
    this.scopes = List.copyOf(s);
    this.label = b.label != null ? b.label : b.issuer.getHost();
    this.timeout = b.timeout;
  }

  /** Sign-in at {@code issuer} (its exact {@code iss}) as client {@code clientId}. */
  public static Builder builder(URI issuer, String clientId) {
    return new Builder(issuer, clientId);
  }

  // The secret is left out: this may be logged with the configuration.
  @Override
  public String toString() {
    return "OidcSignIn[" + issuer + ", client " + clientId + ", redirect " + redirectUri + "]";
  }

  /** Configures an {@link OidcSignIn}. Not thread-safe. */
  public static final class Builder {
    private final URI issuer;
    private final String clientId;
    private String clientSecret;
    private URI redirectUri;
    private final List<String> scopes = new ArrayList<>(List.of("profile", "email"));
    private String label;
    private Duration timeout = Duration.ofSeconds(5);

    private Builder(URI issuer, String clientId) {
      this.issuer = issuer;
      this.clientId = clientId;
    }

    /** A confidential client's secret (default: none, a public client with PKCE). */
    public Builder clientSecret(String secret) {
      this.clientSecret = secret;
      return this;
    }

    /** Where the issuer sends the browser back: absolute, ending in {@value #CALLBACK_PATH}. Required. */
    public Builder redirectUri(URI uri) {
      this.redirectUri = uri;
      return this;
    }

    /**
     * The scopes asked for besides {@code openid} (default {@code profile email}); ask for the one
     * that puts the groups claim in the id token if the issuer needs it (often {@code groups}).
     */
    public Builder scopes(String... scopes) {
      this.scopes.clear();
      this.scopes.addAll(List.of(scopes));
      return this;
    }

    /** What the sign-in button names (default: the issuer's host). */
    public Builder label(String label) {
      this.label = label;
      return this;
    }

    /** How long each call to the issuer (discovery, token) may take, 1 to 30 seconds (default 5). */
    public Builder timeout(Duration d) {
      this.timeout = d;
      return this;
    }

    public OidcSignIn build() {
      List<String> problems = new ArrayList<>();
      if (issuer == null) {
        problems.add("issuer must not be null");
      } else {
        secure(issuer, "issuer", problems);
      }
      if (clientId == null || clientId.isBlank()) problems.add("clientId must not be blank");
      if (clientSecret != null && clientSecret.isBlank()) problems.add("clientSecret must not be blank when set");
      if (redirectUri != null) {
        secure(redirectUri, "redirectUri", problems);
      }
      if (redirectUri == null || redirectUri.getRawQuery() != null || redirectUri.getRawFragment() != null
          || redirectUri.getRawPath() == null || !redirectUri.getRawPath().endsWith(CALLBACK_PATH)) {
        problems.add("redirectUri must be absolute, without query or fragment, ending in " + CALLBACK_PATH
            + " below where the page is mounted; got " + redirectUri);
      }
      for (String s : scopes) {
        if (s == null || s.isBlank() || !s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
          problems.add("scope " + (s == null ? "null" : "'" + s + "'") + " is not a valid OAuth scope token");
        }
      }
      if (label != null && label.isBlank()) problems.add("label must not be blank when set");
      if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
        problems.add("timeout must be between 1 and 30 seconds, got " + timeout);
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("invalid OidcSignIn configuration: " + String.join("; ", problems));
      }
      return new OidcSignIn(this);
    }

    private static void secure(URI u, String what, List<String> problems) {
      try {
        WebUris.requireSecure(u, what);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
  }
}

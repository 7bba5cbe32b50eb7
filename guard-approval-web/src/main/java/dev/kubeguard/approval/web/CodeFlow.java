package dev.kubeguard.approval.web;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.kubeguard.core.oidc.WebUris;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs {@link OidcSignIn}'s authorization-code flow, with the Nimbus OAuth 2.0 SDK. {@link #start}
 * makes a state (also set as a cookie, so only the browser that started can finish), a nonce and a
 * PKCE verifier, and returns the issuer's authorization URL. {@link #finish} takes the callback:
 * the state must match the cookie and a sign-in still pending here (each is used once, within
 * {@link #PENDING_LIFETIME}), an {@code iss} parameter must name this issuer, and the code is
 * redeemed at the token endpoint with the verifier; the id token it returns must then be proven
 * by {@link BearerProof#proveOidc} and carry the nonce ({@link #nonceMatches}).
 *
 * <p>Thread-safe. Bounded: at most {@link #MAX_PENDING} sign-ins in flight. Blocks for the issuer
 * (discovery, once it succeeds; the token call), each bounded by the configured timeout. Every
 * failure is a {@link SignInRefusedException} whose message holds no code, token or secret.
 */
final class CodeFlow {

  static final String STATE_COOKIE = "kg_oidc";
  static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);
  static final int MAX_PENDING = 1000;

  /** Where to send the browser, and the state to set as its cookie. */
  record Start(URI location, String state) {}

  /** What the issuer vouched for: its id token (still to be proven), and the page asked for. */
  record Done(String idToken, String nonce, String next) {}

  private record Pending(String nonce, CodeVerifier verifier, String next, Instant expiresAt) {}

  private final OidcSignIn config;
  private final Clock clock;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private volatile OIDCProviderMetadata metadata;

  CodeFlow(OidcSignIn config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  String label() {
    return config.label;
  }

  Start start(String next) {
    OIDCProviderMetadata m = metadata();
    Instant now = clock.instant();
    pending.values().removeIf(p -> p.expiresAt.isBefore(now));
    if (pending.size() >= MAX_PENDING) {
      throw new SignInRefusedException(503, "too many sign-ins are in progress; try again in a few minutes");
    }
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier verifier = new CodeVerifier();
    pending.put(state.getValue(), new Pending(nonce.getValue(), verifier, next, now.plus(PENDING_LIFETIME)));
    AuthenticationRequest request = new AuthenticationRequest.Builder(ResponseType.CODE,
        new Scope(config.scopes.toArray(String[]::new)), new ClientID(config.clientId), config.redirectUri)
        .endpointURI(m.getAuthorizationEndpointURI())
        .state(state)
        .nonce(nonce)
        .codeChallenge(verifier, CodeChallengeMethod.S256)
        .build();
    return new Start(request.toURI(), state.getValue());
  }

  /** The callback's query parameters and the state cookie the browser sent with it. */
  Done finish(Map<String, String> query, String cookieState) {
    String state = query.get("state");
    if (state == null || cookieState == null || !MessageDigest.isEqual(
        state.getBytes(StandardCharsets.UTF_8), cookieState.getBytes(StandardCharsets.UTF_8))) {
      throw new SignInRefusedException(403, "this sign-in was not started in this browser; sign in again");
    }
    Pending p = pending.remove(state);
    if (p == null || p.expiresAt.isBefore(clock.instant())) {
      throw new SignInRefusedException(403, "this sign-in expired or was already used; sign in again");
    }
    String error = query.get("error");
    if (error != null) {
      throw new SignInRefusedException(401, "the issuer did not sign you in (" + error + ")");
    }
    String iss = query.get("iss");
    if (iss != null && !iss.equals(config.issuer.toString())) {
      throw new SignInRefusedException(401, "the answer names another issuer (" + iss + ") than " + config.issuer);
    }
    String code = query.get("code");
    if (code == null || code.isBlank()) {
      throw new SignInRefusedException(401, "the issuer sent no authorization code back");
    }
    return new Done(redeem(code, p.verifier), p.nonce, p.next);
  }

  /** Whether the (proven) id token carries the nonce its sign-in was started with. */
  static boolean nonceMatches(String idToken, String nonce) {
    try {
      JWT jwt = JWTParser.parse(idToken);
      String got = jwt.getJWTClaimsSet().getStringClaim("nonce");
      return got != null && MessageDigest.isEqual(got.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8));
    } catch (java.text.ParseException e) {
      return false;
    }
  }

  private String redeem(String code, CodeVerifier verifier) {
    OIDCProviderMetadata m = metadata();
    AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), config.redirectUri, verifier);
    TokenRequest request = config.clientSecret == null
        ? new TokenRequest.Builder(m.getTokenEndpointURI(), new ClientID(config.clientId), grant).build()
        : new TokenRequest.Builder(m.getTokenEndpointURI(),
            new ClientSecretBasic(new ClientID(config.clientId), new Secret(config.clientSecret)), grant).build();
    HTTPRequest http = request.toHTTPRequest();
    http.setConnectTimeout((int) config.timeout.toMillis());
    http.setReadTimeout((int) config.timeout.toMillis());
    http.setFollowRedirects(false);
    TokenResponse response;
    try {
      response = OIDCTokenResponseParser.parse(http.send());
    } catch (IOException | ParseException e) {
      throw new SignInRefusedException(502, "the issuer's token endpoint could not be used (" + e.getClass().getSimpleName() + ")");
    }
    if (!response.indicatesSuccess()) {
      ErrorObject e = response.toErrorResponse().getErrorObject();
      throw new SignInRefusedException(401, "the issuer would not complete the sign-in ("
          + (e == null || e.getCode() == null ? "HTTP " + response.toHTTPResponse().getStatusCode() : e.getCode()) + ")");
    }
    JWT id = response.toSuccessResponse() instanceof OIDCTokenResponse oidc ? oidc.getOIDCTokens().getIDToken() : null;
    if (id == null) {
      throw new SignInRefusedException(401, "the issuer returned no id token (the client needs the openid scope)");
    }
    return id.serialize();
  }

  private OIDCProviderMetadata metadata() {
    OIDCProviderMetadata m = metadata;
    if (m != null) {
      return m;
    }
    int ms = (int) config.timeout.toMillis();
    try {
      m = OIDCProviderMetadata.resolve(new Issuer(config.issuer), ms, ms);
    } catch (IOException | GeneralException e) {
      throw new SignInRefusedException(502, "the issuer " + config.issuer + " could not be asked how to sign in ("
          + e.getClass().getSimpleName() + ")");
    }
    if (!config.issuer.toString().equals(m.getIssuer().getValue()) || m.getAuthorizationEndpointURI() == null
        || m.getTokenEndpointURI() == null) {
      throw new SignInRefusedException(502, "the issuer's discovery document does not describe " + config.issuer);
    }
    try {
      // the code, the verifier and a client secret travel to these
      WebUris.requireSecure(m.getAuthorizationEndpointURI(), "authorization_endpoint from discovery");
      WebUris.requireSecure(m.getTokenEndpointURI(), "token_endpoint from discovery");
    } catch (IllegalArgumentException e) {
      throw new SignInRefusedException(502, "the issuer's discovery document is not usable: " + e.getMessage());
    }
    metadata = m;
    return m;
  }
}

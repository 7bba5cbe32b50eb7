package dev.kubeguard.core.oidc;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.kubeguard.api.spi.AuthenticationException;
import java.text.ParseException;

/**
 * A token parsed but not yet verified. Its {@code iss} is read only to pick which issuer's
 * configuration verifies it; nothing else in it is trusted before verification. Messages name the
 * problem, never the token content (parser messages can quote decoded JSON, so they are dropped).
 *
 * @param jwt the parsed signed token
 * @param issuer its unverified {@code iss}
 */
record UnverifiedToken(SignedJWT jwt, String issuer) {

  /** Parses {@code token}, rejecting oversized, unsigned, encrypted and malformed ones. */
  public static UnverifiedToken parse(String token, int maxBytes) throws AuthenticationException {
    if (token == null || token.isEmpty()) {
      throw new AuthenticationException("no bearer token");
    }
    if (token.length() > maxBytes) {
      throw new AuthenticationException(
          "token too large: " + token.length() + " bytes, limit " + maxBytes);
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_' || c == '.';
      if (!ok) {
        throw new AuthenticationException(
            "malformed token: character at offset " + i + " is not base64url or '.'");
      }
    }
    JWT parsed;
    try {
      parsed = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new AuthenticationException("malformed token: not a compact JWT");
    }
    if (parsed instanceof PlainJWT) {
      throw new AuthenticationException("unsigned token (alg none) rejected");
    }
    if (parsed instanceof EncryptedJWT || !(parsed instanceof SignedJWT)) {
      throw new AuthenticationException("encrypted (JWE) tokens are not accepted");
    }
    SignedJWT jwt = (SignedJWT) parsed;
    requireCanonicalEncoding(jwt);
    String iss;
    try {
      iss = jwt.getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      throw new AuthenticationException("malformed token: payload is not a JSON claims set");
    }
    if (iss == null || iss.isEmpty()) {
      throw new AuthenticationException("token has no iss claim");
    }
    return new UnverifiedToken(jwt, iss);
  }

  /**
   * Each part must be the one canonical base64url encoding of its bytes (no stray trailing bits),
   * so one token has exactly one spelling and any changed character is a different token.
   */
  private static void requireCanonicalEncoding(SignedJWT jwt) throws AuthenticationException {
    for (Base64URL part : jwt.getParsedParts()) {
      if (!Base64URL.encode(part.decode()).toString().equals(part.toString())) {
        throw new AuthenticationException("malformed token: non-canonical base64url encoding");
      }
    }
  }
}

package dev.kubeguard.core.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Verification end to end: a real issuer over HTTP, real keys, real signed tokens. */
class OidcAuthenticatorTest {
  private static TestIssuer issuer;
  private OidcAuthenticator auth;

  @BeforeAll
  static void startIssuer() {
    issuer = TestIssuer.start();
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @AfterEach
  void closeAuthenticator() {
    if (auth != null) {
      auth.close();
    }
  }

  private OidcAuthenticator authenticator() {
    auth =
        OidcAuthenticator.builder()
            .issuer(
                OidcIssuer.builder(issuer.issuer())
                    .audience("kubeguard")
                    .algorithms("RS256", "ES256")
                    .groupsClaim("groups")
                    .build())
            .build();
    return auth;
  }

  private void assertRejected(String token, String operatorMessagePart) {
    OidcAuthenticator a = auth != null ? auth : authenticator();
    assertThatThrownBy(() -> a.authenticate(token))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining(operatorMessagePart)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
  }

  @Test
  void acceptsValidRs256TokenAndMapsItLikeKubeApiserver() throws Exception {
    String token = issuer.token().claim("groups", List.of("dev", "ops")).sign();

    Identity id = authenticator().authenticate(token);

    assertThat(id.user()).isEqualTo(issuer.issuer() + "#alice");
    assertThat(id.groups()).containsExactly("dev", "ops", Identity.AUTHENTICATED);
    assertThat(id.issuer()).isEqualTo(issuer.issuer().toString());
  }

  @Test
  void acceptsValidEs256Token() throws Exception {
    String token = issuer.token().signedWith(issuer.ecKey(), JWSAlgorithm.ES256).sign();

    assertThat(authenticator().authenticate(token).user()).endsWith("#alice");
  }

  @Test
  void acceptsAccessTokenTypeAndTokensWithoutType() throws Exception {
    authenticator();
    assertThat(auth.authenticate(issuer.token().type("at+jwt").sign()).user()).endsWith("alice");
    assertThat(auth.authenticate(issuer.token().type(null).sign()).user()).endsWith("alice");
  }

  @Test
  void rejectsOtherTokenTypes() {
    assertRejected(issuer.token().type("logout+jwt").sign(), "typ");
  }

  @Test
  void rejectsUnsignedAlgNoneToken() {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer.issuer().toString())
            .audience("kubeguard")
            .subject("alice")
            .expirationTime(Date.from(Instant.now().plusSeconds(300)))
            .build();
    assertRejected(new PlainJWT(claims).serialize(), "alg none");
  }

  @Test
  void rejectsHs256SignedWithTheIssuersPublicKey() throws Exception {
    byte[] publicKey = issuer.rsaKey().toRSAPublicKey().getEncoded();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
            new JWTClaimsSet.Builder()
                .issuer(issuer.issuer().toString())
                .audience("kubeguard")
                .subject("mallory")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build());
    forged.sign(new MACSigner(publicKey));

    assertRejected(forged.serialize(), "algorithm \"HS256\" not allowed");
  }

  @Test
  void rejectsAllowedAlgorithmNotOnThisIssuersList() {
    auth =
        OidcAuthenticator.builder()
            .issuer(OidcIssuer.builder(issuer.issuer()).audience("kubeguard").build())
            .build();
    String token = issuer.token().signedWith(issuer.ecKey(), JWSAlgorithm.ES256).sign();

    assertRejected(token, "algorithm \"ES256\" not allowed");
  }

  @Test
  void rejectsWrongIssuerEvenWhenSignedWithTheRightKey() {
    String token = issuer.token().claim("iss", "https://evil.example.com").sign();

    assertRejected(token, "unknown issuer: token iss \"https://evil.example.com\"");
  }

  @Test
  void rejectsIssuerThatDiffersOnlyByATrailingSlash() {
    String token = issuer.token().claim("iss", issuer.issuer() + "/").sign();

    assertRejected(token, "unknown issuer");
  }

  @Test
  void rejectsWrongAudience() {
    assertRejected(
        issuer.token().audience("someone-else").sign(),
        "audience mismatch: token aud \"[someone-else]\" does not contain configured audience"
            + " kubeguard");
  }

  @Test
  void rejectsMissingAudience() {
    assertRejected(issuer.token().without("aud").sign(), "missing audience");
  }

  @Test
  void rejectsExpiredTokenBeyondClockSkew() {
    assertRejected(issuer.token().expiresIn(Duration.ofSeconds(-61)).sign(), "token expired");
  }

  @Test
  void acceptsRecentlyExpiredTokenWithinClockSkew() throws Exception {
    String token = issuer.token().expiresIn(Duration.ofSeconds(-30)).sign();

    assertThat(authenticator().authenticate(token).user()).endsWith("alice");
  }

  @Test
  void rejectsTokenNotYetValid() {
    String token = issuer.token().claim("nbf", Instant.now().plusSeconds(120)).sign();

    assertRejected(token, "token not yet valid");
  }

  @Test
  void rejectsTokenIssuedInTheFuture() {
    String token = issuer.token().claim("iat", Instant.now().plusSeconds(600)).sign();

    assertRejected(token, "issued in the future");
  }

  @Test
  void rejectsTokenWithoutExpiry() {
    assertRejected(issuer.token().without("exp").sign(), "missing expiry");
  }

  @Test
  void rejectsTokenSignedWithAnUnknownKey() {
    RSAKey stranger = TestIssuer.newRsaKey("stranger");
    String token = issuer.token().signedWith(stranger, JWSAlgorithm.RS256).sign();

    assertRejected(token, "kid \"stranger\"");
  }

  @Test
  void rejectsTokenSignedWithAnotherKeyUnderAKnownKid() {
    RSAKey impostor = TestIssuer.newRsaKey("rsa-1");
    String token = issuer.token().signedWith(impostor, JWSAlgorithm.RS256).sign();

    assertRejected(token, "Invalid signature");
  }

  @Test
  void ignoresKeysEmbeddedInTheTokenHeader() {
    RSAKey attacker = TestIssuer.newRsaKey("attacker");
    String token =
        issuer
            .token()
            .signedWith(attacker, JWSAlgorithm.RS256)
            .header(
                h ->
                    h.jwk(attacker.toPublicJWK())
                        .jwkURL(URI.create("https://evil.example.com/jwks"))
                        .x509CertURL(URI.create("https://evil.example.com/cert.pem")))
            .sign();

    assertRejected(token, "kid \"attacker\"");
  }

  @Test
  void ignoresEmbeddedKeyEvenUnderTheIssuersKid() {
    RSAKey attacker = TestIssuer.newRsaKey("rsa-1");
    String token =
        issuer
            .token()
            .signedWith(attacker, JWSAlgorithm.RS256)
            .header(h -> h.jwk(attacker.toPublicJWK()))
            .sign();

    assertRejected(token, "Invalid signature");
  }

  @Test
  void rejectsOversizedTokenBeforeParsingIt() {
    String token = issuer.token().claim("padding", "x".repeat(20_000)).sign();

    assertRejected(token, "token too large");
  }

  @Test
  void rejectsMalformedTokens() {
    authenticator();
    for (String bad :
        List.of("", "abc", "a.b", "a.b.c", "....", "e30.e30.", "not a jwt", "eyJ.eyJ.sig\n")) {
      assertThatThrownBy(() -> auth.authenticate(bad))
          .as("token %s", bad)
          .isInstanceOf(AuthenticationException.class);
    }
  }

  @Test
  void rejectsEncryptedTokens() {
    assertRejected(
        "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.AAAA.AAAA.AAAA.AAAA", "JWE");
  }

  @Test
  void rejectsNonCanonicalBase64Spelling() {
    String token = issuer.token().sign();
    String[] parts = token.split("\\.");
    // The last char of a 342-char RS256 signature carries 4 unused bits: set one.
    char last = parts[2].charAt(parts[2].length() - 1);
    byte[] sig = new Base64URL(parts[2]).decode();
    String alias = null;
    for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray()) {
      String candidate = parts[2].substring(0, parts[2].length() - 1) + c;
      if (c != last && java.util.Arrays.equals(new Base64URL(candidate).decode(), sig)) {
        alias = candidate;
        break;
      }
    }
    assertThat(alias).as("an alias spelling of the signature").isNotNull();

    assertRejected(parts[0] + "." + parts[1] + "." + alias, "non-canonical");
  }

  @Test
  void operatorMessageNeverContainsTheToken() {
    String token = issuer.token().audience("other").sign();
    authenticator();

    assertThatThrownBy(() -> auth.authenticate(token))
        .isInstanceOf(AuthenticationException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain(token.split("\\.")[1]);
              assertThat(e.getMessage()).doesNotContain(token.split("\\.")[2]);
            });
  }
}

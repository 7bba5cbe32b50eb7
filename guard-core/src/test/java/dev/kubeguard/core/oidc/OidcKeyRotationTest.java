package dev.kubeguard.core.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import dev.kubeguard.api.spi.AuthenticationException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Key caching, rotation and rate limiting, proven by counting hits on a real JWKS endpoint. */
class OidcKeyRotationTest {
  private final TestIssuer issuer = TestIssuer.start();
  private OidcAuthenticator auth;

  @AfterEach
  void stop() {
    if (auth != null) {
      auth.close();
    }
    issuer.close();
  }

  private OidcAuthenticator authenticator(boolean discovery) {
    OidcIssuer.Builder config = OidcIssuer.builder(issuer.issuer()).audience("kubeguard");
    if (!discovery) {
      config.jwksUri(issuer.jwksUri());
    }
    auth = OidcAuthenticator.builder().issuer(config.build()).build();
    return auth;
  }

  @Test
  void discoversOnceAndCachesKeysAcrossTokens() throws Exception {
    authenticator(true);
    for (int i = 0; i < 5; i++) {
      auth.authenticate(issuer.token().claim("sub", "u" + i).sign());
    }

    assertThat(issuer.discoveryHits()).isEqualTo(1);
    assertThat(issuer.jwksHits()).isEqualTo(1);
  }

  @Test
  void usesConfiguredJwksUriWithoutDiscovery() throws Exception {
    authenticator(false).authenticate(issuer.token().sign());

    assertThat(issuer.discoveryHits()).isZero();
    assertThat(issuer.jwksHits()).isEqualTo(1);
  }

  @Test
  void acceptsTokenSignedWithRotatedKeyAfterRefresh() throws Exception {
    authenticator(true).authenticate(issuer.token().sign());
    RSAKey next = TestIssuer.newRsaKey("rsa-2");
    issuer.serveKeys(next);

    String rotated = issuer.token().signedWith(next, JWSAlgorithm.RS256).sign();

    assertThat(auth.authenticate(rotated).user()).endsWith("#alice");
    assertThat(issuer.jwksHits()).isEqualTo(2);
  }

  @Test
  void rejectsTokensOfTheRetiredKeyOnceTheNewSetIsFetched() throws Exception {
    authenticator(true).authenticate(issuer.token().sign());
    RSAKey next = TestIssuer.newRsaKey("rsa-2");
    issuer.serveKeys(next);
    auth.authenticate(issuer.token().signedWith(next, JWSAlgorithm.RS256).sign());

    assertThatThrownBy(() -> auth.authenticate(issuer.token().sign()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("kid \"rsa-1\"");
  }

  @Test
  void unknownKidsDoNotHammerTheJwksEndpoint() throws Exception {
    authenticator(true).authenticate(issuer.token().sign());
    for (int i = 0; i < 8; i++) {
      RSAKey stranger = TestIssuer.newRsaKey("stranger-" + i);
      String token = issuer.token().signedWith(stranger, JWSAlgorithm.RS256).sign();
      assertThatThrownBy(() -> auth.authenticate(token))
          .isInstanceOf(AuthenticationException.class);
    }

    // One initial fetch plus at most one forced refresh per rate-limit window.
    assertThat(issuer.jwksHits()).isLessThanOrEqualTo(2);
  }

  @Test
  void failsClosedWhileTheIssuerIsDownAndRecoversWhenItIsBack() throws Exception {
    auth =
        OidcAuthenticator.builder()
            .issuer(OidcIssuer.builder(issuer.issuer()).audience("kubeguard").build())
            .discoveryRetryInterval(Duration.ZERO)
            .build();
    issuer.failing(true);

    assertThatThrownBy(() -> auth.authenticate(issuer.token().sign()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("unavailable");

    issuer.failing(false);
    assertThat(auth.authenticate(issuer.token().sign()).user()).endsWith("#alice");
  }

  @Test
  void doesNotRetryFailedDiscoveryWithinTheRetryInterval() {
    auth =
        OidcAuthenticator.builder()
            .issuer(OidcIssuer.builder(issuer.issuer()).audience("kubeguard").build())
            .discoveryRetryInterval(Duration.ofMinutes(1))
            .build();
    issuer.failing(true);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> auth.authenticate(issuer.token().sign()))
          .isInstanceOf(AuthenticationException.class);
    }

    assertThat(issuer.discoveryHits()).isEqualTo(1);
  }

  @Test
  void rejectsDiscoveryDocumentNamingAnotherIssuer() {
    issuer.advertiseIssuer("https://evil.example.com");
    authenticator(true);

    assertThatThrownBy(() -> auth.authenticate(issuer.token().sign()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("discovery");
    assertThat(issuer.jwksHits()).isZero();
  }

  @Test
  void eagerDiscoveryFailsBuildWhenTheIssuerIsUnreachable() {
    issuer.failing(true);
    OidcAuthenticator.Builder builder =
        OidcAuthenticator.builder()
            .issuer(OidcIssuer.builder(issuer.issuer()).audience("kubeguard").build())
            .eagerDiscovery(true);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(issuer.issuer().toString());
  }

  @Test
  void eagerDiscoveryFetchesMetadataAtBuildTime() {
    auth =
        OidcAuthenticator.builder()
            .issuer(OidcIssuer.builder(issuer.issuer()).audience("kubeguard").build())
            .eagerDiscovery(true)
            .build();

    assertThat(issuer.discoveryHits()).isEqualTo(1);
  }

  @Test
  void verifiesTokensOfTwoIssuersEachWithItsOwnKeysAndMapping() throws Exception {
    try (TestIssuer second = TestIssuer.start("/other")) {
      auth =
          OidcAuthenticator.builder()
              .issuer(
                  OidcIssuer.builder(issuer.issuer())
                      .audience("kubeguard")
                      .usernamePrefix("one:")
                      .build())
              .issuer(
                  OidcIssuer.builder(second.issuer())
                      .audience("kubeguard")
                      .usernamePrefix("two:")
                      .build())
              .build();

      assertThat(auth.authenticate(issuer.token().sign()).user()).isEqualTo("one:alice");
      assertThat(auth.authenticate(second.token().sign()).user()).isEqualTo("two:alice");
      assertThat(auth.authenticate(second.token().sign()).issuer())
          .isEqualTo(second.issuer().toString());

      // Second issuer's iss, signed with the first issuer's key: keys never cross issuers.
      String crossed =
          second.token().signedWith(issuer.rsaKey(), JWSAlgorithm.RS256).kid("rsa-1").sign();
      assertThatThrownBy(() -> auth.authenticate(crossed))
          .isInstanceOf(AuthenticationException.class);
    }
  }
}

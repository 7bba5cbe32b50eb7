package dev.kubeguard.core.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Misconfiguration fails at build() with a message that says what to fix. */
class OidcAuthenticatorBuilderTest {
  private static final URI ISSUER = URI.create("https://login.example.com");

  private static OidcIssuer.Builder issuer() {
    return OidcIssuer.builder(ISSUER).audience("kubernetes");
  }

  @Test
  void refusesToBuildWithoutAnIssuer() {
    assertThatThrownBy(() -> OidcAuthenticator.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one issuer");
  }

  @Test
  void refusesAnIssuerWithoutAudience() {
    assertThatThrownBy(() -> OidcIssuer.builder(ISSUER).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("audience");
  }

  @Test
  void refusesNoneAndHmacAlgorithms() {
    assertThatThrownBy(() -> issuer().algorithms("none").build())
        .hasMessageContaining("\"none\" is not allowed");
    assertThatThrownBy(() -> issuer().algorithms("RS256", "HS256").build())
        .hasMessageContaining("HS256 is not allowed");
    assertThatThrownBy(() -> issuer().algorithms("rs256").build())
        .hasMessageContaining("unsupported signing algorithm rs256");
  }

  @Test
  void defaultsToRs256LikeKubeApiserver() {
    assertThat(issuer().build().algorithms()).containsExactly("RS256");
  }

  @Test
  void refusesPlainHttpIssuerOutsideLoopback() {
    assertThatThrownBy(() -> OidcIssuer.builder(URI.create("http://login.example.com")).build())
        .hasMessageContaining("must use https");
  }

  @Test
  void refusesDiscoveryOffWithoutJwksUri() {
    assertThatThrownBy(() -> issuer().discovery(false).build())
        .hasMessageContaining("give jwksUri");
  }

  @Test
  void refusesDiscoveryAndJwksUriTogether() {
    assertThatThrownBy(
            () -> issuer().discovery(true).jwksUri(URI.create("https://x/jwks")).build())
        .hasMessageContaining("not both");
  }

  @Test
  void refusesExtraKeysKubernetesWouldRefuse() {
    assertThatThrownBy(() -> issuer().extraClaim("Team", "team").build())
        .hasMessageContaining("domain-prefixed");
  }

  @Test
  void refusesNegativeOrUnboundedClockSkew() {
    OidcAuthenticator.Builder b = OidcAuthenticator.builder().issuer(issuer().build());
    assertThatThrownBy(() -> b.clockSkew(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("clockSkew");
    assertThatThrownBy(() -> b.clockSkew(Duration.ofHours(1)).build())
        .hasMessageContaining("clockSkew");
  }

  @Test
  void refusesSillyTokenSizeLimits() {
    OidcAuthenticator.Builder b = OidcAuthenticator.builder().issuer(issuer().build());
    assertThatThrownBy(() -> b.maxTokenBytes(10).build()).hasMessageContaining("maxTokenBytes");
  }

  @Test
  void refusesTheSameIssuerTwice() {
    assertThatThrownBy(
            () ->
                OidcAuthenticator.builder().issuer(issuer().build()).issuer(issuer().build()).build())
        .hasMessageContaining("configured twice");
  }

  @Test
  void refusesRefreshIntervalLongerThanTheCache() {
    OidcAuthenticator.Builder b =
        OidcAuthenticator.builder()
            .issuer(issuer().build())
            .jwksCacheTtl(Duration.ofMinutes(1))
            .jwksRefreshMinInterval(Duration.ofMinutes(2));
    assertThatThrownBy(b::build).hasMessageContaining("jwksRefreshMinInterval");
  }
}

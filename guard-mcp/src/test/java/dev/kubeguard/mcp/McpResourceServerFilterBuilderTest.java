package dev.kubeguard.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.Authenticator;
import java.net.URI;
import org.junit.jupiter.api.Test;

class McpResourceServerFilterBuilderTest {
  private static final URI RESOURCE = URI.create("https://mcp.example.com/mcp");
  private static final URI ISSUER = URI.create("https://login.example.com");
  private static final Authenticator ANYONE = token -> Identity.of("x");

  @Test
  void refusesToBuildWithoutCanonicalResource() {
    assertThatThrownBy(
            () ->
                McpResourceServerFilter.builder()
                    .authorizationServer(ISSUER)
                    .authenticator(ANYONE)
                    .build())
        .hasMessageContaining("resource(URI) is required");
  }

  @Test
  void refusesToBuildWithoutAuthorizationServerOrAuthenticator() {
    assertThatThrownBy(
            () -> McpResourceServerFilter.builder().resource(RESOURCE).authenticator(ANYONE).build())
        .hasMessageContaining("authorizationServer");
    assertThatThrownBy(
            () -> McpResourceServerFilter.builder().resource(RESOURCE).authorizationServer(ISSUER).build())
        .hasMessageContaining("authenticator");
  }

  @Test
  void refusesScopesThatWouldBreakTheChallengeHeader() {
    assertThatThrownBy(() -> McpResourceServerFilter.builder().requiredScopes("a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> McpResourceServerFilter.builder().requiredScopes("a\""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void placesMetadataUnderTheWellKnownPathOfTheResource() {
    McpResourceServerFilter filter =
        McpResourceServerFilter.builder()
            .resource(RESOURCE)
            .authorizationServer(ISSUER)
            .authenticator(ANYONE)
            .build();

    assertThat(filter.metadataUrl())
        .isEqualTo(URI.create("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"));
  }

  @Test
  void bindsIssuerAudienceToTheCanonicalResource() {
    assertThat(McpResourceServerFilter.issuerFor(ISSUER, RESOURCE).build().audiences())
        .containsExactly(RESOURCE.toString());
  }

  @Test
  void issuerForTakesGroupsFromTheGroupsClaimUnlessToldOtherwise() {
    assertThat(McpResourceServerFilter.issuerFor(ISSUER, RESOURCE).build().groupsClaim())
        .isEqualTo("groups");
    assertThat(
            McpResourceServerFilter.issuerFor(ISSUER, RESOURCE).groupsClaim("roles").build().groupsClaim())
        .isEqualTo("roles");
  }
}

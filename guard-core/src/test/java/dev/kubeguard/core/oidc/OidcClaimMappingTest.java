package dev.kubeguard.core.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Claim mapping follows kube-apiserver's --oidc-* flags, on real signed tokens. */
class OidcClaimMappingTest {
  private static TestIssuer issuer;

  @BeforeAll
  static void start() {
    issuer = TestIssuer.start();
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  private static Identity authenticate(UnaryOperator<OidcIssuer.Builder> config, String token)
      throws AuthenticationException {
    OidcIssuer.Builder b = OidcIssuer.builder(issuer.issuer()).audience("kubeguard");
    try (OidcAuthenticator auth =
        OidcAuthenticator.builder().issuer(config.apply(b).build()).build()) {
      return auth.authenticate(token);
    }
  }

  private static void assertRejected(
      UnaryOperator<OidcIssuer.Builder> config, String token, String message) {
    assertThatThrownBy(() -> authenticate(config, token))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining(message);
  }

  @Test
  void prefixesUsernameWithIssuerHashByDefault() throws Exception {
    Identity id = authenticate(c -> c, issuer.token().sign());

    assertThat(id.user()).isEqualTo(issuer.issuer() + "#alice");
  }

  @Test
  void dashDisablesTheUsernamePrefix() throws Exception {
    assertThat(authenticate(c -> c.usernamePrefix("-"), issuer.token().sign()).user())
        .isEqualTo("alice");
  }

  @Test
  void appliesConfiguredUsernamePrefixAndClaim() throws Exception {
    String token = issuer.token().claim("preferred_username", "al").sign();

    Identity id =
        authenticate(c -> c.usernameClaim("preferred_username").usernamePrefix("oidc:"), token);

    assertThat(id.user()).isEqualTo("oidc:al");
  }

  @Test
  void emailClaimHasNoDefaultPrefix() throws Exception {
    String token = issuer.token().claim("email", "alice@example.com").sign();

    assertThat(authenticate(c -> c.usernameClaim("email"), token).user())
        .isEqualTo("alice@example.com");
  }

  @Test
  void acceptsEmailWhenEmailVerifiedIsTrue() throws Exception {
    String token =
        issuer.token().claim("email", "alice@example.com").claim("email_verified", true).sign();

    assertThat(authenticate(c -> c.usernameClaim("email"), token).user())
        .isEqualTo("alice@example.com");
  }

  @Test
  void rejectsEmailWhenEmailVerifiedIsFalse() {
    String token =
        issuer.token().claim("email", "alice@example.com").claim("email_verified", false).sign();

    assertRejected(c -> c.usernameClaim("email"), token, "email not verified");
  }

  @Test
  void rejectsEmailVerifiedThatIsNotABoolean() {
    String token =
        issuer.token().claim("email", "alice@example.com").claim("email_verified", "true").sign();

    assertRejected(c -> c.usernameClaim("email"), token, "not a boolean");
  }

  @Test
  void rejectsMissingUsernameClaim() {
    assertRejected(c -> c, issuer.token().without("sub").sign(), "username claim \"sub\"");
  }

  @Test
  void rejectsNonStringUsernameClaim() {
    String token = issuer.token().claim("preferred_username", 42).sign();

    assertRejected(c -> c.usernameClaim("preferred_username"), token, "not a string");
  }

  @Test
  void readsGroupsFromAnArray() throws Exception {
    String token = issuer.token().claim("groups", List.of("a", "b")).sign();

    assertThat(authenticate(c -> c.groupsClaim("groups"), token).groups())
        .containsExactly("a", "b", Identity.AUTHENTICATED);
  }

  @Test
  void readsGroupsFromASingleString() throws Exception {
    String token = issuer.token().claim("role", "admins").sign();

    assertThat(authenticate(c -> c.groupsClaim("role"), token).groups())
        .containsExactly("admins", Identity.AUTHENTICATED);
  }

  @Test
  void prefixesGroupsButNotSystemAuthenticated() throws Exception {
    String token = issuer.token().claim("groups", List.of("system:masters")).sign();

    assertThat(authenticate(c -> c.groupsClaim("groups").groupsPrefix("oidc:"), token).groups())
        .containsExactly("oidc:system:masters", Identity.AUTHENTICATED);
  }

  @Test
  void missingGroupsClaimGivesOnlySystemAuthenticated() throws Exception {
    assertThat(authenticate(c -> c.groupsClaim("groups"), issuer.token().sign()).groups())
        .containsExactly(Identity.AUTHENTICATED);
  }

  @Test
  void rejectsGroupsClaimOfTheWrongShape() {
    String token = issuer.token().claim("groups", List.of("a", 1)).sign();

    assertRejected(c -> c.groupsClaim("groups"), token, "string or an array of strings");
  }

  @Test
  void acceptsTokenCarryingEveryRequiredClaim() throws Exception {
    String token = issuer.token().claim("hd", "example.com").sign();

    assertThat(authenticate(c -> c.requiredClaim("hd", "example.com"), token).user())
        .endsWith("alice");
  }

  @Test
  void rejectsMissingRequiredClaim() {
    assertRejected(
        c -> c.requiredClaim("hd", "example.com"),
        issuer.token().sign(),
        "required claim \"hd\" is missing");
  }

  @Test
  void rejectsMismatchedRequiredClaim() {
    String token = issuer.token().claim("hd", "evil.com").sign();

    assertRejected(c -> c.requiredClaim("hd", "example.com"), token, "required claim \"hd\"");
  }

  @Test
  void mapsUidAndExtraClaims() throws Exception {
    String token =
        issuer.token().claim("oid", "1234").claim("team", List.of("blue", "green")).sign();

    Identity id =
        authenticate(c -> c.uidClaim("oid").extraClaim("example.com/team", "team"), token);

    assertThat(id.uid()).isEqualTo("1234");
    assertThat(id.extra()).isEqualTo(Map.of("example.com/team", List.of("blue", "green")));
  }

  @Test
  void rejectsTokenWithoutTheConfiguredUidClaim() {
    assertRejected(c -> c.uidClaim("oid"), issuer.token().sign(), "uid claim \"oid\"");
  }
}

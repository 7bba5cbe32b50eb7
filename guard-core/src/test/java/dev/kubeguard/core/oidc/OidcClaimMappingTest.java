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
  void rejectsMissingUsernameClaim() {
    assertRejected(c -> c, issuer.token().without("sub").sign(), "username claim \"sub\"");
  }

  @Test
  void rejectsNonStringUsernameClaim() {
    String token = issuer.token().claim("preferred_username", 42).sign();

    assertRejected(c -> c.usernameClaim("preferred_username"), token, "must be a string");
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

  // kube-apiserver unmarshals each claim into a Go string, []string or bool (oidc.go,
  // claims.unmarshalClaim / stringOrArray); the tests below pin that typing on real signed tokens.

  @Test
  void numericSubIsRejectedAsKubeApiserverDoes() {
    // Nimbus' claims set would report sub 42 as the string "42"; the mapper must not.
    String token = issuer.token().claim("sub", 42).sign();

    assertThatThrownBy(() -> authenticate(c -> c, token))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("username claim \"sub\" is a number, must be a string");
  }

  @Test
  void booleanUsernameIsRejected() {
    String token = issuer.token().claim("preferred_username", true).sign();

    assertRejected(
        c -> c.usernameClaim("preferred_username"),
        token,
        "username claim \"preferred_username\" is a boolean, must be a string");
  }

  @Test
  void objectOrNullUsernameIsRejected() {
    String object = issuer.token().claim("preferred_username", Map.of("name", "alice")).sign();
    String nul = issuer.token().claim("preferred_username", null).sign();
    // An object sub never reaches the mapper: Nimbus refuses it while parsing the claims set.
    String objectSub = issuer.token().claim("sub", Map.of("name", "alice")).sign();

    assertRejected(c -> c.usernameClaim("preferred_username"), object, "is an object, must be");
    assertRejected(c -> c.usernameClaim("preferred_username"), nul, "is null, must be a string");
    assertRejected(c -> c, objectSub, "malformed token");
  }

  @Test
  void groupsAsASingleStringIsOneGroup() throws Exception {
    String token = issuer.token().claim("groups", "admins").sign();

    assertThat(authenticate(c -> c.groupsClaim("groups").groupsPrefix("oidc:"), token).groups())
        .containsExactly("oidc:admins", Identity.AUTHENTICATED);
  }

  @Test
  void groupsArrayWithANumberIsRejected() {
    String token = issuer.token().claim("groups", List.of("admins", 7)).sign();

    assertThatThrownBy(() -> authenticate(c -> c.groupsClaim("groups"), token))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage(
            "groups claim \"groups\" holds a number, must be a string or an array of strings")
        .message()
        .doesNotContain("admins");
  }

  @Test
  void groupsThatAreAnObjectOrANumberAreRejected() {
    String object = issuer.token().claim("groups", Map.of("admins", true)).sign();
    String number = issuer.token().claim("groups", 7).sign();

    assertRejected(c -> c.groupsClaim("groups"), object, "is an object");
    assertRejected(c -> c.groupsClaim("groups"), number, "is a number");
  }

  @Test
  void nullGroupsAreNoGroupsAsInGo() throws Exception {
    String token = issuer.token().claim("groups", null).sign();

    assertThat(authenticate(c -> c.groupsClaim("groups"), token).groups())
        .containsExactly(Identity.AUTHENTICATED);
  }

  @Test
  void emailVerifiedAsStringIsRejected() {
    String token =
        issuer.token().claim("email", "alice@example.com").claim("email_verified", "true").sign();

    assertThatThrownBy(() -> authenticate(c -> c.usernameClaim("email"), token))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("email_verified claim is a string, must be a boolean");
  }

  @Test
  void requiredClaimMismatchDoesNotQuoteTheTokensValue() {
    String token = issuer.token().claim("hd", "evil.com").sign();

    assertThatThrownBy(() -> authenticate(c -> c.requiredClaim("hd", "example.com"), token))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("required claim \"hd\"")
        .message()
        .doesNotContain("evil.com");
  }

  @Test
  void numericRequiredClaimIsRejected() {
    String token = issuer.token().claim("tenant", 7).sign();

    assertRejected(c -> c.requiredClaim("tenant", "7"), token, "is a number, must be a string");
  }

  @Test
  void extraClaimDropsEmptyStringsAndRejectsNonStrings() throws Exception {
    String mixed = issuer.token().claim("team", List.of("blue", "")).sign();
    String number = issuer.token().claim("team", List.of("blue", 1)).sign();

    assertThat(authenticate(c -> c.extraClaim("example.com/team", "team"), mixed).extra())
        .isEqualTo(Map.of("example.com/team", List.of("blue")));
    assertRejected(c -> c.extraClaim("example.com/team", "team"), number, "holds a number");
  }
}

package dev.kubeguard.core.oidc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.kubeguard.api.spi.AuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Any single changed character anywhere in a valid token makes it a rejected token. */
class OidcTokenMutationPropertyTest {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
  private static TestIssuer issuer;
  private static OidcAuthenticator auth;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    auth =
        OidcAuthenticator.builder()
            .issuer(OidcIssuer.builder(issuer.issuer()).audience("kubeguard").build())
            .build();
    token = issuer.token().sign();
    auth.authenticate(token); // the unmutated token is valid
  }

  @AfterAll
  static void stop() {
    auth.close();
    issuer.close();
  }

  @Test
  void everySingleCharacterMutationIsRejected() {
    qt().withExamples(300)
        .forAll(integers().between(0, token.length() - 1), integers().between(1, 64))
        .checkAssert(
            (position, shift) -> {
              int original = ALPHABET.indexOf(token.charAt(position));
              char replacement = ALPHABET.charAt((original + shift) % ALPHABET.length());
              String mutated =
                  token.substring(0, position) + replacement + token.substring(position + 1);
              assertThatThrownBy(() -> auth.authenticate(mutated))
                  .isInstanceOf(AuthenticationException.class);
            });
  }
}

package dev.kubeguard.core.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The JWS algorithms an issuer may be configured with. Only asymmetric signatures qualify: with
 * {@code none} anyone can mint a token, and with HMAC the "key" would be the issuer's public key
 * (the classic algorithm-confusion attack). Stateless and thread-safe.
 */
final class Algorithms {

  /** RSA PKCS#1, RSA-PSS and ECDSA: what OIDC providers sign with and the JDK verifies. */
  private static final Set<String> ASYMMETRIC =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

  private Algorithms() {}

  /** Throws {@link IllegalArgumentException} naming the problem when {@code name} is not allowed. */
  public static void requireAllowed(String name, String issuer) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("blank signing algorithm for OIDC issuer " + issuer);
    }
    String upper = name.toUpperCase(Locale.ROOT);
    if (upper.equals("NONE")) {
      throw new IllegalArgumentException(
          "signing algorithm \"none\" is not allowed for OIDC issuer " + issuer
              + ": unsigned tokens can be forged by anyone");
    }
    if (upper.startsWith("HS")) {
      throw new IllegalArgumentException(
          "signing algorithm " + name + " is not allowed for OIDC issuer " + issuer
              + ": HMAC would verify with a shared secret, not the issuer's public keys;"
              + " use one of " + ASYMMETRIC);
    }
    if (!ASYMMETRIC.contains(name)) {
      throw new IllegalArgumentException(
          "unsupported signing algorithm " + name + " for OIDC issuer " + issuer
              + "; use one of " + ASYMMETRIC + " (names are case-sensitive)");
    }
  }

  /** The Nimbus algorithm objects for already validated names. */
  public static Set<JWSAlgorithm> toJws(Set<String> names) {
    Set<JWSAlgorithm> out = new LinkedHashSet<>();
    names.forEach(n -> out.add(JWSAlgorithm.parse(n)));
    return Set.copyOf(out);
  }
}

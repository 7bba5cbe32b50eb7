package dev.kubeguard.core.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Mints real signed JWTs for tests, valid by default, with one knob per attack. */
public final class TestTokens {
  private TestTokens() {}

  public static Builder builder(String issuer, JWK key, JWSAlgorithm alg) {
    return new Builder(issuer, key, alg);
  }

  /** Token settings; {@link #sign()} produces the compact serialization. */
  public static final class Builder {
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private JWK key;
    private JWSAlgorithm alg;
    private String kid;
    private JOSEObjectType type = JOSEObjectType.JWT;
    private UnaryOperator<JWSHeader.Builder> headerCustomizer = UnaryOperator.identity();

    private Builder(String issuer, JWK key, JWSAlgorithm alg) {
      this.key = key;
      this.alg = alg;
      this.kid = key.getKeyID();
      Instant now = Instant.now();
      claims.put("iss", issuer);
      claims.put("aud", List.of("kubeguard"));
      claims.put("sub", "alice");
      claims.put("iat", Date.from(now));
      claims.put("exp", Date.from(now.plus(Duration.ofMinutes(5))));
    }

    public Builder claim(String name, Object value) {
      claims.put(name, value instanceof Instant ? Date.from((Instant) value) : value);
      return this;
    }

    public Builder without(String name) {
      claims.remove(name);
      return this;
    }

    public Builder audience(String... audiences) {
      return claim("aud", List.of(audiences));
    }

    public Builder expiresIn(Duration d) {
      return claim("exp", Instant.now().plus(d));
    }

    public Builder signedWith(JWK key, JWSAlgorithm alg) {
      this.key = key;
      this.alg = alg;
      this.kid = key.getKeyID();
      return this;
    }

    public Builder kid(String kid) {
      this.kid = kid;
      return this;
    }

    public Builder type(String type) {
      this.type = type == null ? null : new JOSEObjectType(type);
      return this;
    }

    public Builder header(UnaryOperator<JWSHeader.Builder> customizer) {
      this.headerCustomizer = customizer;
      return this;
    }

    public String sign() {
      // Nulls are sent as written: a claim set to null must reach the verifier as JSON null.
      JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().serializeNullClaims(true);
      claims.forEach(set::claim);
      JWSHeader.Builder header = new JWSHeader.Builder(alg).keyID(kid).type(type);
      SignedJWT jwt = new SignedJWT(headerCustomizer.apply(header).build(), set.build());
      try {
        JWSSigner signer = new DefaultJWSSignerFactory().createJWSSigner(key, alg);
        jwt.sign(signer);
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      return jwt.serialize();
    }
  }
}

package dev.kubeguard.core.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Over generated JSON claim values (strings, numbers, booleans, arrays, objects, null), the mapper
 * accepts exactly what kube-apiserver's OIDC authenticator accepts, on real signed tokens. The
 * oracle below restates oidc.go's typing: Go's {@code json.Unmarshal} into {@code string} for the
 * username, {@code stringOrArray} for groups, {@code convertCELValueToStringList} for extra, and
 * {@code bool} for {@code email_verified}.
 */
class OidcClaimTypingPropertyTest {
  private static final String EXTRA_KEY = "example.com/team";
  private static TestIssuer issuer;
  private static OidcAuthenticator mapped;
  private static OidcAuthenticator byEmail;

  /** A JSON value as the token carries it; a wrapper so that JSON null is a value, not absence. */
  record Json(Object value) {}

  @BeforeAll
  static void start() {
    issuer = TestIssuer.start();
    mapped =
        OidcAuthenticator.builder()
            .issuer(
                OidcIssuer.builder(issuer.issuer())
                    .audience("kubeguard")
                    .usernameClaim("preferred_username")
                    .usernamePrefix("-")
                    .groupsClaim("groups")
                    .extraClaim(EXTRA_KEY, "team")
                    .build())
            .build();
    byEmail =
        OidcAuthenticator.builder()
            .issuer(
                OidcIssuer.builder(issuer.issuer())
                    .audience("kubeguard")
                    .usernameClaim("email")
                    .build())
            .build();
  }

  @AfterAll
  static void stop() {
    mapped.close();
    byEmail.close();
    issuer.close();
  }

  @Test
  void usernameGroupsAndExtraAcceptExactlyTheJsonTypesKubeApiserverAccepts() {
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    // A fixed seed: the check below that both sides were exercised must not depend on one run's luck.
    qt().withFixedSeed(20261201L).withExamples(300)
        .forAll(json(), json(), json())
        .checkAssert(
            (username, groups, team) -> {
              String token =
                  issuer.token()
                      .claim("preferred_username", username.value())
                      .claim("groups", groups.value())
                      .claim("team", team.value())
                      .sign();
              Optional<String> user = expectedUsername(username.value());
              Optional<List<String>> expectedGroups = stringOrArray(groups.value());
              Optional<List<String>> expectedExtra = extraValues(team.value());
              if (user.isEmpty() || expectedGroups.isEmpty() || expectedExtra.isEmpty()) {
                assertThatThrownBy(() -> mapped.authenticate(token))
                    .isInstanceOf(AuthenticationException.class);
                rejected.incrementAndGet();
                return;
              }
              Identity id = authenticate(mapped, token);
              accepted.incrementAndGet();
              // Generated names are lower-case letters, never system:authenticated itself.
              List<String> allGroups = new ArrayList<>(expectedGroups.get());
              allGroups.add(Identity.AUTHENTICATED);
              assertThat(id.user()).isEqualTo(user.get());
              assertThat(id.groups()).containsExactlyElementsOf(allGroups);
              assertThat(id.extra())
                  .isEqualTo(
                      expectedExtra.get().isEmpty()
                          ? Map.of()
                          : Map.of(EXTRA_KEY, expectedExtra.get()));
            });
    // Both sides of the oracle were exercised, so the property is not vacuously true.
    assertThat(accepted).hasPositiveValue();
    assertThat(rejected).hasPositiveValue();
  }

  @Test
  void emailVerifiedIsAcceptedOnlyAsTheBooleanTrue() {
    qt().withExamples(150)
        .forAll(json())
        .checkAssert(
            verified -> {
              String token =
                  issuer.token()
                      .claim("email", "alice@example.com")
                      .claim("email_verified", verified.value())
                      .sign();
              // Go: json.Unmarshal into bool fails for non-booleans; null leaves it false.
              if (Boolean.TRUE.equals(verified.value())) {
                assertThat(authenticate(byEmail, token).user()).isEqualTo("alice@example.com");
              } else {
                assertThatThrownBy(() -> byEmail.authenticate(token))
                    .isInstanceOf(AuthenticationException.class);
              }
            });
  }

  // ---- the oracle: kube-apiserver's typing, plus the two places we are stricter, marked ----

  /** json.Unmarshal into a Go string: only a JSON string. */
  private static Optional<String> expectedUsername(Object value) {
    // Stricter than Go, on purpose: Go turns null into "" and accepts ""; we reject empty names.
    if (value instanceof String s && !s.isBlank()) {
      return Optional.of(s);
    }
    return Optional.empty();
  }

  /** stringOrArray: []string, else string; null unmarshals to a nil slice. */
  private static Optional<List<String>> stringOrArray(Object value) {
    if (value == null) {
      return Optional.of(List.of());
    }
    if (value instanceof String s) {
      return Optional.of(List.of(s));
    }
    if (value instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      for (Object item : list) {
        // Stricter than Go, on purpose: Go reads a null element as "", we reject it.
        if (!(item instanceof String s)) {
          return Optional.empty();
        }
        out.add(s);
      }
      return Optional.of(out);
    }
    return Optional.empty();
  }

  /** convertCELValueToStringList: string or list of strings, empty strings count as absent. */
  private static Optional<List<String>> extraValues(Object value) {
    return stringOrArray(value).map(l -> l.stream().filter(s -> !s.isEmpty()).toList());
  }

  private static Identity authenticate(OidcAuthenticator auth, String token) {
    try {
      return auth.authenticate(token);
    } catch (AuthenticationException e) {
      throw new AssertionError("expected the token to be accepted: " + e.getMessage(), e);
    }
  }

  // ---- generators: every JSON type, nested one level so arrays and objects mix types ----

  private static Gen<Json> json() {
    Gen<Object> scalar = scalar();
    Gen<Object> stringArray =
        lists().of(name()).ofSizeBetween(0, 3).map(l -> (Object) l);
    Gen<Object> mixedArray = lists().of(scalar).ofSizeBetween(1, 3).map(l -> (Object) l);
    // Built by hand: QuickTheories' maps() collect with toMap, which refuses null values.
    Gen<Object> object =
        name().zip(scalar, (k, v) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put(k, v);
          return (Object) m;
        });
    Gen<Object> emptyObject = Generate.constant(() -> (Object) new LinkedHashMap<String, Object>());
    return Generate.oneOf(scalar, scalar, stringArray, mixedArray, object, emptyObject)
        .map(Json::new);
  }

  private static Gen<Object> scalar() {
    Gen<Object> string = name().map(s -> (Object) s);
    Gen<Object> integer = integers().all().map(i -> (Object) Long.valueOf(i));
    Gen<Object> decimal = doubles().between(-1e9, 1e9).map(d -> (Object) d);
    Gen<Object> bool = booleans().all().map(b -> (Object) b);
    Gen<Object> nul = Generate.constant((Object) null);
    return Generate.oneOf(string, string, integer, decimal, bool, nul);
  }

  /** Lower-case names, sometimes empty, so empty strings are exercised too. */
  private static Gen<String> name() {
    return strings().betweenCodePoints('a', 'z').ofLengthBetween(0, 5);
  }
}

package dev.kubeguard.opa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpaPolicyEngineBuilderTest {

  private static final URI GOOD = URI.create("http://127.0.0.1:8181/v1/data/kubeguard/decision");

  @Test
  void buildsWithOnlyAUrl() {
    OpaPolicyEngine engine = OpaPolicyEngine.builder().url(GOOD).build();

    assertThat(engine.url()).isEqualTo(GOOD);
    assertThat(engine.dataPath()).isEqualTo("kubeguard/decision");
  }

  @Test
  void refusesMissingOrBlankMaskingProfileNames() {
    java.util.Set<String> blank = new java.util.HashSet<>(java.util.Arrays.asList("default", " "));
    assertThatThrownBy(() -> OpaPolicyEngine.builder().url(GOOD).knownMaskingProfiles(null).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("knownMaskingProfiles must not be null");
    assertThatThrownBy(() -> OpaPolicyEngine.builder().url(GOOD).knownMaskingProfiles(blank).build())
        .hasMessageContaining("knownMaskingProfiles must hold non-empty profile names");
  }

  @Test
  void refusesAMissingUrl() {
    assertThatThrownBy(() -> OpaPolicyEngine.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("url is required")
        .hasMessageContaining("/v1/data/kubeguard/decision");
  }

  @Test
  void refusesARelativeUrl() {
    assertThatThrownBy(() -> OpaPolicyEngine.of(URI.create("/v1/data/kubeguard/decision")))
        .hasMessageContaining("url must be absolute");
  }

  @Test
  void refusesAUrlOutsideTheDataApi() {
    assertThatThrownBy(() -> OpaPolicyEngine.of(URI.create("http://127.0.0.1:8181/v0/data/kubeguard")))
        .hasMessageContaining("url path must be /v1/data/<package path>/<rule>, got '/v0/data/kubeguard'");
    assertThatThrownBy(() -> OpaPolicyEngine.of(URI.create("http://127.0.0.1:8181/v1/data/")))
        .hasMessageContaining("url path must be /v1/data/");
    assertThatThrownBy(() -> OpaPolicyEngine.of(URI.create("http://127.0.0.1:8181/v1/data/kubeguard//decision")))
        .hasMessageContaining("empty segments");
  }

  @Test
  void refusesCredentialsInTheUrlAndOtherSchemes() {
    assertThatThrownBy(() -> OpaPolicyEngine.of(URI.create("http://user:pw@127.0.0.1:8181/v1/data/x")))
        .hasMessageContaining("use bearerToken(...)")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(() -> OpaPolicyEngine.of(URI.create("ftp://127.0.0.1/v1/data/x")))
        .hasMessageContaining("http or https");
  }

  @Test
  void refusesANonPositiveTimeout() {
    assertThatThrownBy(() -> OpaPolicyEngine.builder().url(GOOD).timeout(Duration.ZERO).build())
        .hasMessageContaining("timeout must be positive");
  }

  @Test
  void listsEveryProblemAtOnce() {
    assertThatThrownBy(() -> OpaPolicyEngine.builder()
            .bearerToken(" ")
            .decisionCache(Duration.ofSeconds(-1), 0)
            .maxBodyBytes(-1)
            .timeout(Duration.ofMillis(-5))
            .build())
        .hasMessageContaining("url is required")
        .hasMessageContaining("bearerToken must be a non-empty single-line string")
        .hasMessageContaining("decisionCache ttl must be positive")
        .hasMessageContaining("decisionCache maxEntries must be at least 1")
        .hasMessageContaining("maxBodyBytes must not be negative")
        .hasMessageContaining("timeout must be positive");
  }

  @Test
  void refusesATokenThatWouldSplitTheHeader() {
    assertThatThrownBy(() -> OpaPolicyEngine.builder().url(GOOD).bearerToken("abc\r\nX-Evil: 1").build())
        .hasMessageContaining("single-line");
  }
}

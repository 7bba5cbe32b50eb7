package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --request-timeout} as kubectl takes it. */
class ClusterFlagsTest {

  @Test
  void durationsAreSecondsOrUnits() throws Exception {
    assertThat(ClusterFlags.duration("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ClusterFlags.duration("0")).isEqualTo(Duration.ZERO);
    assertThat(ClusterFlags.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ClusterFlags.duration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ClusterFlags.duration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(ClusterFlags.duration("1h1m1s1ms")).isEqualTo(Duration.ofMillis(3_661_001));
  }

  @Test
  void anythingElseIsAUsageError() {
    for (String bad : new String[] {"", "s", "1x", "1m 2s", "-1s", "1.5s", "10000000000", "1m-"}) {
      assertThatThrownBy(() -> ClusterFlags.duration(bad)).as(bad)
          .isInstanceOf(Args.UsageException.class).hasMessageContaining("is not a duration");
    }
  }
}

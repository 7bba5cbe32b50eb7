package dev.kubeguard.opa.internal.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

  @Test
  void readsGoDurations() {
    assertThat(GoDuration.parse("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void refusesWhatGoWouldRefuseOrAPolicyCannotMean() {
    for (String bad : new String[] {"", "15", "15 m", "1d", "-5m", "m", "1h 30m"}) {
      assertThatThrownBy(() -> GoDuration.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("90s, 15m or 1h30m");
    }
  }

  @Test
  void readsFractionalSeconds() {
    assertThat(GoDuration.ofSeconds(new BigDecimal("1.5"))).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> GoDuration.ofSeconds(new BigDecimal("-1"))).hasMessageContaining("out of range");
  }
}

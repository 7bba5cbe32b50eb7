package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Ages and expiries as kubectl prints them (apimachinery's HumanDuration). */
class ApprovalsTextTest {

  private static String age(long seconds) {
    return ApprovalsText.age(Duration.ofSeconds(seconds));
  }

  @Test
  void agesSwitchUnitsWhereKubectlDoes() {
    assertThat(age(0)).isEqualTo("0s");
    assertThat(age(119)).isEqualTo("119s");
    assertThat(age(120)).isEqualTo("2m");
    assertThat(age(125)).isEqualTo("2m5s");
    assertThat(age(599)).isEqualTo("9m59s");
    assertThat(age(600)).isEqualTo("10m");
    assertThat(age(3 * 3600 - 1)).isEqualTo("179m");
    assertThat(age(3 * 3600)).isEqualTo("3h");
    assertThat(age(3 * 3600 + 30 * 60)).isEqualTo("3h30m");
    assertThat(age(8 * 3600)).isEqualTo("8h");
    assertThat(age(47 * 3600)).isEqualTo("47h");
    assertThat(age(48 * 3600)).isEqualTo("2d");
    assertThat(age(53 * 3600)).isEqualTo("2d5h");
    assertThat(age(8 * 86400)).isEqualTo("8d");
    assertThat(age(2 * 365 * 86400)).isEqualTo("2y");
    assertThat(age(2 * 365 * 86400 + 10 * 86400)).isEqualTo("2y10d");
    assertThat(age(9 * 365 * 86400)).isEqualTo("9y");
    assertThat(ApprovalsText.age(Duration.ofMillis(-500))).isEqualTo("0s");
    assertThat(age(-5)).isEqualTo("<invalid>");
  }

  private static final Pattern PART = Pattern.compile("(\\d+)([smhdy])");

  private static long seconds(String age) {
    Matcher m = PART.matcher(age);
    long total = 0;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total += n * switch (m.group(2)) {
        case "s" -> 1;
        case "m" -> 60;
        case "h" -> 3600;
        case "d" -> 86400;
        default -> 365 * 86400;
      };
    }
    return total;
  }

  @Test
  void anAgeNeverOverstatesAndLosesAtMostAnEighthBelowTwoYears() {
    // Rounding down only, to coarser units only as the age grows: below two years at most an
    // eighth is lost (the worst is 8d shown for 8d23h); from two years on, days are dropped.
    qt().withExamples(3000).forAll(longs().between(0, 2L * 365 * 86400 - 1)).checkAssert(s -> {
      long shown = seconds(age(s));
      assertThat(shown).isLessThanOrEqualTo(s);
      assertThat(s - shown).isLessThanOrEqualTo(Math.max(0, s / 8));
    });
  }

  @Test
  void expiriesReadForwardOrBack() {
    Instant now = Instant.parse("2025-03-01T10:05:00Z");
    assertThat(ApprovalsText.expires(now.plusSeconds(300), now)).isEqualTo("in 5m");
    assertThat(ApprovalsText.expires(now.minusSeconds(90), now)).isEqualTo("90s ago");
  }
}

package dev.kubeguard.core.policy;

import java.time.Duration;

/**
 * Parses durations written as Kubernetes and Go write them: one or more number-unit pairs with
 * units {@code h}, {@code m}, {@code s} and {@code ms} ({@code 30s}, {@code 15m}, {@code 1h30m},
 * {@code 0s}); a bare {@code 0} is zero. Stateless.
 */
final class Durations {

  private Durations() {}

  /**
   * @throws IllegalArgumentException saying what form is expected
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    Duration total = Duration.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i == start || i - start > 12) {
        throw invalid(text);
      }
      long n = Long.parseLong(s.substring(start, i));
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(unitStart, i);
      total =
          total.plus(
              switch (unit) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                case "ms" -> Duration.ofMillis(n);
                default -> throw invalid(text);
              });
    }
    return total;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid duration \"" + text + "\": use a number with a unit (h, m, s, ms) such as 30s, 15m, 1h or 1h30m");
  }
}

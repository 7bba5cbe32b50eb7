package dev.kubeguard.opa.internal.result;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as Go's {@code time.ParseDuration} writes them ({@code 15m}, {@code 1h30m},
 * {@code 90s}, {@code 1.5h}), the notation Rego's own {@code time} built-ins and Kubernetes use.
 * Signs are rejected: a policy never means a negative ttl. Stateless and thread-safe.
 */
final class GoDuration {

  private static final Pattern WHOLE = Pattern.compile("(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h)");
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  /**
   * The duration {@code text} names.
   *
   * @throws IllegalArgumentException saying what a valid duration looks like
   */
  static Duration parse(String text) {
    if ("0".equals(text)) {
      return Duration.ZERO;
    }
    if (text.isEmpty() || !WHOLE.matcher(text).replaceAll("").isEmpty()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use Go notation such as 90s, 15m or 1h30m, or a number of seconds");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      nanos = nanos.add(new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1))
          .multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
    }
    return ofNanos(nanos, text);
  }

  /** A number of seconds, fractions allowed. */
  static Duration ofSeconds(BigDecimal seconds) {
    return ofNanos(seconds.multiply(BigDecimal.valueOf(1_000_000_000L)), seconds.toPlainString());
  }

  private static Duration ofNanos(BigDecimal nanos, String text) {
    if (nanos.signum() < 0 || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("'" + text + "' is out of range for a duration");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs", "μs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalArgumentException("unknown duration unit " + unit);
    };
  }
}

package dev.kubeguard.cli;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kubectl's connection flags as {@code kubeguard approvals} reads them: {@code --kubeconfig},
 * {@code --context}, {@code -n/--namespace}, {@code --token} and {@code --request-timeout}. Each is
 * {@code null} when not given. Immutable.
 *
 * @param requestTimeout how long one request may take; {@link Duration#ZERO} waits for ever
 */
record ClusterFlags(String kubeconfig, String context, String namespace, String token, Duration requestTimeout) {

  /** Without {@code --request-timeout}: bounded, so a CLI never hangs on an unreachable server. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The option names, for {@link Args.Spec}. */
  static final Set<String> OPTIONS = Set.of("--kubeconfig", "--context", "--namespace", "--token", "--request-timeout");

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  static ClusterFlags of(Args args) throws Args.UsageException {
    String timeout = args.one("--request-timeout");
    return new ClusterFlags(nonBlank(args, "--kubeconfig"), nonBlank(args, "--context"), nonBlank(args, "--namespace"),
        nonBlank(args, "--token"), timeout == null ? DEFAULT_TIMEOUT : duration(timeout));
  }

  private static String nonBlank(Args args, String name) throws Args.UsageException {
    String v = args.one(name);
    if (v != null && v.isBlank()) {
      throw new Args.UsageException(name + " is empty");
    }
    return v;
  }

  /**
   * A duration the way kubectl's {@code --request-timeout} takes it: a number of seconds
   * ({@code 30}), or units ({@code 500ms}, {@code 1m30s}, {@code 2h}); {@code 0} means none.
   */
  static Duration duration(String text) throws Args.UsageException {
    String bad = "--request-timeout '" + text + "' is not a duration: give seconds (30) or units (500ms, 1m30s, 2h)";
    if (text.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    Matcher m = DURATION.matcher(text);
    Duration total = Duration.ZERO;
    int at = 0;
    while (m.find() && m.start() == at) {
      if (m.group(1).length() > 9) {
        throw new Args.UsageException(bad);
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
      at = m.end();
    }
    if (at == 0 || at != text.length()) {
      throw new Args.UsageException(bad);
    }
    return total;
  }
}

package dev.kubeguard.core.oidc;

/**
 * Makes attacker-chosen strings (an unverified {@code iss}, a {@code kid}) safe to put in an
 * operator message: bounded length, no control characters that could forge log lines. Stateless.
 */
final class LogSafe {
  private static final int MAX = 120;

  private LogSafe() {}

  /** A quoted, shortened, printable rendering of {@code value}, or {@code (none)} for null. */
  public static String quote(Object value) {
    if (value == null) {
      return "(none)";
    }
    String s = value.toString();
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX) + 8).append('"');
    for (int i = 0; i < s.length() && i < MAX; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    if (s.length() > MAX) {
      b.append("...");
    }
    return b.append('"').toString();
  }
}

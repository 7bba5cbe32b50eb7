package dev.kubeguard.core.classify;

/**
 * RFC 9110 tokens, as Go's {@code httpguts.IsTokenRune} checks methods and header names.
 * Stateless and thread-safe.
 */
final class HttpTokens {

  private HttpTokens() {}

  /** Whether {@code s} is a non-empty HTTP token. */
  public static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

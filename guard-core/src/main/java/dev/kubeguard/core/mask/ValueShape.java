package dev.kubeguard.core.mask;

import java.util.Base64;
import java.util.Locale;

/**
 * What a candidate value looks like: its Shannon entropy and character classes, and whether it is
 * shaped like a credential, a Kubernetes reference or a placeholder. The keyword detectors ask
 * this after their regex matched, the way gitleaks-class scanners check entropy after a rule's
 * regex, because a keyword alone ({@code token}, {@code session}) says little about what follows.
 *
 * <p>Stateless static functions; thread-safe; never throws on any input.
 */
final class ValueShape {

  private ValueShape() {}

  /** Shannon entropy of {@code s[from, to)} in bits per character; 0 for an empty range. */
  static double entropy(CharSequence s, int from, int to) {
    int n = to - from;
    if (n <= 0) {
      return 0;
    }
    int[] counts = new int[128];
    int other = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++; // non-ASCII values are rare here; lumping them only lowers the estimate
      }
    }
    double h = 0;
    for (int k = 0; k <= 128; k++) {
      int c = k < 128 ? counts[k] : other;
      if (c > 0) {
        double p = (double) c / n;
        h -= p * Math.log(p);
      }
    }
    return h / Math.log(2);
  }

  static double entropy(CharSequence s) {
    return entropy(s, 0, s.length());
  }

  /**
   * The least entropy a random value of length {@code n} shows: 0.7 of its maximum, so that even
   * the unluckiest draw of a 20-character alphanumeric key passes (its observed minimum is about
   * 3.3 bits where this asks 3.0) while a repeated or worded value fails.
   */
  static double randomFloor(int n) {
    return 0.7 * Math.log(Math.min(n, 64)) / Math.log(2);
  }

  /**
   * Whether a value found near a weak keyword ({@code session}, {@code cookie}, {@code token_x})
   * is shaped like a generated credential: at least 16 characters of a token charset, enough
   * entropy, and a mix of classes that Kubernetes names (lower case), camel-case enum values
   * ({@code ClusterFirst}) and paths do not have.
   */
  static boolean credentialLike(CharSequence s) {
    int n = s.length();
    if (n < 16 || n > 1024) {
      return false;
    }
    int upper = 0;
    int lower = 0;
    int digit = 0;
    int symbol = 0;
    boolean hex = true;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        upper++;
        hex = false;
      } else if (c >= 'a' && c <= 'z') {
        lower++;
        hex &= c <= 'f';
      } else if (c >= '0' && c <= '9') {
        digit++;
      } else if ("._~+/=-!@#$%^*".indexOf(c) >= 0) {
        symbol++;
        hex = false;
      } else {
        return false; // spaces, quotes, brackets: prose or structure, not one value
      }
    }
    if (looksLikePath(s)) {
      return false;
    }
    double h = entropy(s);
    if (upper > 0 && lower > 0 && digit + symbol > 0) {
      return h >= randomFloor(n);
    }
    if (hex && n >= 32) {
      return h >= 3.0; // hex digests and keys: 16 symbols cap entropy at 4 bits
    }
    // lower case and digits only (bootstrap tokens, UUID-like session ids): digits are what
    // tells them from a Kubernetes name such as kube-api-access-x7k2p
    return upper == 0 && lower > 0 && digit * 5 >= n && n >= 20 && h >= randomFloor(n);
  }

  /** A path or URL: starts with {@code /}, {@code ./}, {@code ~/} or holds {@code ://}. */
  static boolean looksLikePath(CharSequence s) {
    String t = s.toString();
    return t.startsWith("/") || t.startsWith("./") || t.startsWith("~/") || t.contains("://");
  }

  /**
   * Whether a value after a strong keyword ({@code secret=}, {@code token:}) is plainly not a
   * secret: a Kubernetes {@code namespace/name} reference (what klog prints for
   * {@code secret="shop/db-creds"}), a lone lower-case word ({@code token: expired}) or a
   * placeholder.
   */
  static boolean notASecret(CharSequence s) {
    return placeholder(s) || plainWord(s) || reference(s);
  }

  /** {@code ***}, {@code <redacted>}, {@code null}, {@code ${VAR}} and the like. */
  static boolean placeholder(CharSequence s) {
    String t = s.toString().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.chars().allMatch(c -> c == '*' || c == 'x' || c == '.' || c == '-')) {
      return true;
    }
    if (t.chars().allMatch(c -> "{}[]()<>".indexOf(c) >= 0)) {
      return true; // structure: "f:password":{} in managedFields
    }
    if (t.startsWith("${") || t.startsWith("$(") || t.startsWith("{{") || t.startsWith("%(")) {
      return true; // a template variable, not its value
    }
    return switch (t) {
      case "null", "nil", "none", "true", "false", "empty", "redacted", "<redacted>", "[redacted]",
          "(redacted)", "masked", "hidden", "<hidden>", "unset", "<none>", "n/a" -> true;
      default -> false;
    };
  }

  /** Letters only, at most 12 of them: an English word, not a generated value. */
  static boolean plainWord(CharSequence s) {
    int n = s.length();
    if (n > 12) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    return true;
  }

  /** {@code namespace/name} in Kubernetes' lower-case DNS charset. */
  static boolean reference(CharSequence s) {
    int slash = -1;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '/') {
        if (slash >= 0 || i == 0 || i == n - 1) {
          return false;
        }
        slash = i;
      } else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '.') {
        return false;
      }
    }
    return slash > 0;
  }

  /** Whether {@code s} is strict base64 of bytes that hold a {@code :} (HTTP Basic user:password). */
  static boolean basicCredentials(CharSequence s) {
    try {
      byte[] b = Base64.getDecoder().decode(s.toString());
      for (byte x : b) {
        if (x == ':') {
          return true;
        }
      }
      return false;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Has a digit, an upper-case letter or a symbol: not a lower-case word. */
  static boolean notLowerWord(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z') && c != '_' && c != '-' && c != '=') {
        return true;
      }
    }
    return false;
  }
}

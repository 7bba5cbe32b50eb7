package dev.kubeguard.core.classify;

/**
 * The name rules of {@code k8s.io/apimachinery/pkg/util/validation} and
 * {@code api/validation/path} that affect how a request is read, written as plain loops: Go's
 * regular expressions anchor with {@code $} at the very end, which Java's {@code $} does not, and
 * the hot path compiles nothing.
 *
 * <p>Stateless and thread-safe.
 */
final class KubeNameRules {

  private static final int DNS1123_LABEL_MAX = 63;
  private static final int DNS1123_SUBDOMAIN_MAX = 253;
  private static final int QUALIFIED_NAME_MAX = 63;
  private static final int LABEL_VALUE_MAX = 63;

  private KubeNameRules() {}

  /** {@code IsDNS1123Label}: {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}, at most 63. */
  static boolean isDns1123Label(String s) {
    return s.length() <= DNS1123_LABEL_MAX && isLabelPart(s, 0, s.length());
  }

  /** {@code IsDNS1123Subdomain}: dot-separated DNS labels, at most 253 in all. */
  static boolean isDns1123Subdomain(String s) {
    if (s.isEmpty() || s.length() > DNS1123_SUBDOMAIN_MAX) {
      return false;
    }
    int start = 0;
    while (true) {
      int dot = s.indexOf('.', start);
      int end = dot < 0 ? s.length() : dot;
      if (!isLabelPart(s, start, end)) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      start = dot + 1;
    }
  }

  private static boolean isLabelPart(String s, int from, int to) {
    if (from >= to || !isLowerAlnum(s.charAt(from)) || !isLowerAlnum(s.charAt(to - 1))) {
      return false;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (!isLowerAlnum(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code IsQualifiedName}: an optional DNS-subdomain prefix and {@code /}, then a name part. */
  static boolean isQualifiedName(String s) {
    int slash = s.indexOf('/');
    String name = s;
    if (slash >= 0) {
      if (s.indexOf('/', slash + 1) >= 0) {
        return false;
      }
      String prefix = s.substring(0, slash);
      if (prefix.isEmpty() || !isDns1123Subdomain(prefix)) {
        return false;
      }
      name = s.substring(slash + 1);
    }
    return !name.isEmpty() && name.length() <= QUALIFIED_NAME_MAX && isQualifiedPart(name);
  }

  /** {@code IsValidLabelValue}: empty, or a qualified-name-like part of at most 63. */
  static boolean isValidLabelValue(String s) {
    return s.isEmpty() || (s.length() <= LABEL_VALUE_MAX && isQualifiedPart(s));
  }

  /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}. */
  private static boolean isQualifiedPart(String s) {
    int n = s.length();
    if (n == 0 || !isAlnum(s.charAt(0)) || !isAlnum(s.charAt(n - 1))) {
      return false;
    }
    for (int i = 1; i < n - 1; i++) {
      char c = s.charAt(i);
      if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** {@code path.IsValidPathSegmentName}: not {@code .} or {@code ..}, no {@code /} or {@code %}. */
  static boolean isValidPathSegmentName(String s) {
    return !s.equals(".") && !s.equals("..") && s.indexOf('/') < 0 && s.indexOf('%') < 0;
  }

  private static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isAlnum(char c) {
    return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
  }

  /** Go's {@code strconv.ParseInt(s, 10, 64)} succeeds: optional sign, ASCII digits, in range. */
  static boolean isInt64(String s) {
    int i = 0;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    if (i == s.length()) {
      return false;
    }
    for (int j = i; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    int digits = s.length() - i;
    if (digits != 19) {
      return digits < 19;
    }
    String limit = negative ? "9223372036854775808" : "9223372036854775807";
    return s.substring(i).compareTo(limit) <= 0;
  }
}

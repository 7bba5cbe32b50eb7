package dev.kubeguard.core.mask;

/**
 * Spots text that declares a Secret: {@code kind: Secret} (YAML) or {@code "kind":"Secret"}
 * (JSON), any case, also {@code SecretList}. A manifest held in a ConfigMap value or an
 * annotation that is not parseable JSON cannot be masked field by field, so such a value is
 * masked whole. Stateless and thread-safe.
 */
final class SecretText {

  private SecretText() {}

  /** Whether {@code c[off, off + len)} holds a {@code kind} key whose value is Secret or SecretList. */
  static boolean declaresSecret(char[] c, int off, int len) {
    int end = off + len;
    for (int i = off; i + 4 <= end; i++) {
      char k = c[i];
      if ((k != 'k' && k != 'K') || !regionIs(c, i, end, "kind")) {
        continue;
      }
      if (i > off && Character.isLetterOrDigit(c[i - 1])) {
        continue;
      }
      int j = skip(c, i + 4, end, "\"'\\ \t");
      if (j >= end || c[j] != ':') {
        continue;
      }
      j = skip(c, j + 1, end, "\"'\\ \t");
      if (!regionIs(c, j, end, "secret")) {
        continue;
      }
      j += 6;
      if (regionIs(c, j, end, "list")) {
        j += 4;
      }
      if (j >= end || !Character.isLetterOrDigit(c[j])) {
        return true;
      }
    }
    return false;
  }

  private static int skip(char[] c, int i, int end, String chars) {
    while (i < end && chars.indexOf(c[i]) >= 0) {
      i++;
    }
    return i;
  }

  /** Whether {@code word} (lower case) is at {@code i}, ignoring case. */
  private static boolean regionIs(char[] c, int i, int end, String word) {
    if (i + word.length() > end) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (Character.toLowerCase(c[i + k]) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}

package dev.kubeguard.core.mask;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides whether an env var name or ConfigMap key names a secret: {@code DB_PASSWORD},
 * {@code apiToken}, {@code client-secret}, {@code STRIPE_KEY}, {@code tls.key}. Words are split on
 * separators and camelCase so {@code KEY} matches as a word ({@code STRIPE_KEY}, {@code apiKey})
 * but not inside {@code KEYCLOAK_URL} or {@code MONKEY}. Immutable and thread-safe.
 */
final class SensitiveNames {

  private static final String[] SUBSTRINGS = {
    "password", "passwd", "passphrase", "secret", "token", "credential", "apikey", "privatekey", "accesskey"
  };
  private static final String[] WORDS = {"key", "pwd", "pass", "pw", "cred", "creds", "pat", "jwt"};

  private final boolean builtIn;
  private final List<Pattern> extra;

  public SensitiveNames(boolean builtIn, List<Pattern> extra) {
    this.builtIn = builtIn;
    this.extra = extra;
  }

  /**
   * Per-stream memo of decisions: the same few env var names recur in every pod of a list. Names
   * are not secrets. Bounded; not thread-safe, one per stream.
   */
  public final class Memo {
    private final java.util.HashMap<String, Boolean> seen = new java.util.HashMap<>();

    public boolean isSensitive(String name) {
      Boolean b = seen.get(name);
      if (b == null) {
        if (seen.size() >= 512) {
          seen.clear();
        }
        b = SensitiveNames.this.isSensitive(name);
        seen.put(name, b);
      }
      return b;
    }
  }

  public Memo memo() {
    return new Memo();
  }

  public boolean isSensitive(String name) {
    if (builtIn && builtInMatch(name)) {
      return true;
    }
    for (Pattern p : extra) {
      if (p.matcher(name).find()) {
        return true;
      }
    }
    return false;
  }

  static boolean builtInMatch(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String squashed = lower.replace("_", "").replace("-", "").replace(".", "");
    for (String s : SUBSTRINGS) {
      if (squashed.contains(s)) {
        return true;
      }
    }
    // word split: separators and lower-to-upper camelCase boundaries
    int start = 0;
    for (int i = 0; i <= name.length(); i++) {
      boolean boundary =
          i == name.length()
              || !Character.isLetterOrDigit(name.charAt(i))
              || (i > start && Character.isUpperCase(name.charAt(i)) && Character.isLowerCase(name.charAt(i - 1)));
      if (boundary) {
        if (i > start) {
          String word = name.substring(start, i).toLowerCase(Locale.ROOT);
          for (String w : WORDS) {
            if (word.equals(w)) {
              return true;
            }
          }
        }
        start = (i < name.length() && !Character.isLetterOrDigit(name.charAt(i))) ? i + 1 : i;
      }
    }
    return false;
  }
}

package dev.kubeguard.core.mask;

/**
 * The keyword part of {@link ValueDetectors#mightContain}: is there a keyword in the key just
 * before a {@code =} or {@code :}? Looking only there keeps the scan cheap (most strings have no
 * separator, and the keys before timestamps' and images' colons hold no keyword) while finding
 * every place the keyword-pair regex could match. Stateless; thread-safe.
 */
final class KeywordGate {

  /** Lower case; a superset of what {@code ValueDetectors.KEYWORDS} matches, spelled out for the scan. */
  private static final String[] WORDS = {
    "password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "creds", "auth",
    "bearer", "session", "cookie", "signature", "apikey", "api_key", "api-key", "api.key",
    "api key", "accesskey", "access_key", "access-key", "access.key", "access key", "privatekey",
    "private_key", "private-key", "private.key", "private key"
  };

  private static final boolean[] FIRST = new boolean[128];

  static {
    for (String w : WORDS) {
      FIRST[w.charAt(0)] = true;
    }
  }

  /** How far back from a separator a keyword may start: keyword, 20 key characters, quotes. */
  private static final int WINDOW = 48;

  private KeywordGate() {}

  /** The detector bits a keyword before the separator at {@code sep} calls for; 0 when none. */
  static int before(char[] c, int off, int sep) {
    int j = sep - 1;
    int spaces = 0;
    while (j >= off && (c[j] == ' ' || c[j] == '\t') && spaces < 3) {
      j--;
      spaces++;
    }
    if (j >= off && (c[j] == '"' || c[j] == '\'')) {
      j--;
      if (j >= off && c[j] == '\\') {
        j--;
      }
    }
    int keyEnd = j + 1;
    int from = Math.max(off, keyEnd - WINDOW);
    int k = keyEnd - 1;
    // the key: characters a key is made of, and the single space of "api key"
    while (k >= from && (isKeyChar(c[k]) || (c[k] == ' ' && k > from && isKeyChar(c[k - 1])))) {
      k--;
    }
    int keyStart = k + 1;
    if (keyEnd - keyStart < 3) {
      return 0;
    }
    int bits = 0;
    for (int i = keyStart; i < keyEnd; i++) {
      char ch = lower(c[i]);
      if (ch >= 128 || !FIRST[ch]) {
        continue;
      }
      for (String w : WORDS) {
        if (w.charAt(0) == ch && regionIs(c, i, keyEnd, w)) {
          bits |= ValueDetectors.PAIR;
          if (w.equals("auth")) {
            bits |= ValueDetectors.AUTHORIZATION_HEADER;
          }
        }
      }
    }
    return bits;
  }

  private static boolean isKeyChar(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
        || ch == '_' || ch == '-' || ch == '.';
  }

  private static char lower(char ch) {
    return ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch;
  }

  private static boolean regionIs(char[] c, int i, int end, String w) {
    if (i + w.length() > end) {
      return false;
    }
    for (int q = 0; q < w.length(); q++) {
      if (lower(c[i + q]) != w.charAt(q)) {
        return false;
      }
    }
    return true;
  }
}

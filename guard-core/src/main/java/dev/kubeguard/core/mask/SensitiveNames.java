package dev.kubeguard.core.mask;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Decides whether a name (an env var, a ConfigMap key, a field of any object) names a secret.
 *
 * <p>A name is sensitive when, lower-cased with {@code _ - .} removed, it contains one of
 * {@value #SUBSTRING_LIST}; or when one of its words (split on separators and camelCase, so
 * {@code KEY} matches in {@code STRIPE_KEY} and {@code apiKey} but not in {@code KEYCLOAK_URL} or
 * {@code MONKEY}) is one of {@value #WORD_LIST} (the weak words {@code auth}, {@code bearer},
 * {@code cookie}, {@code signature}, {@code dsn} and {@code salt} only as the last word:
 * {@code SIGNING_SALT}, not {@code DSN_HOST}); or when it matches an extra pattern of the
 * profile. The list follows what secret scanners (gitleaks-class tools) treat as secret-ish keys.
 *
 * <p>As a field name of an object ({@link #fieldSensitivity}) a name is read more narrowly, since
 * Kubernetes objects name and reference secrets all the time without holding them: a name whose
 * last word is {@value #REFERENCE_LIST} ({@code secretName}, {@code secretKeyRef},
 * {@code tokenExpirationSeconds}, {@code passwordFile}) is not sensitive, nor are the bare
 * {@code key} and {@code topologyKey} (selectors, tolerations, key-to-path items); the structures
 * {@code secret} (a volume source), {@code secrets}, {@code imagePullSecrets},
 * {@code serviceAccountToken} (a projection) and {@code tokenRequests} are not masked whole
 * (a string under such a name still is), nor are objects under the weak words {@code auth},
 * {@code bearer}, {@code cookie}, {@code signature}, {@code dsn} and {@code salt}.
 *
 * <p>Thread-safe: immutable but for the bounded cache of {@link #field} results.
 */
final class SensitiveNames {

  static final String SUBSTRING_LIST =
      "password, passwd, passphrase, passcode, secret, token, credential, apikey, privatekey,"
          + " privkey, accesskey, connectionstring, sessionid";
  static final String WORD_LIST =
      "key, pwd, pass, pw, cred, creds, pat, jwt, salt, auth, authorization, bearer, cookie,"
          + " cookies, signature, dsn, hmac";
  static final String REFERENCE_LIST =
      "name, names, ref, refs, selector, namespace, path, paths, file, files, dir, seconds, ttl,"
          + " mode, type, kind, policy, version, url, uri, endpoint, enabled, used, since, time,"
          + " timestamp, count, length, size, format, expiry, expiration, duration, period, audience,"
          + " audiences";

  private static final String[] SUBSTRINGS = split(SUBSTRING_LIST);
  private static final String[] WORDS = split(WORD_LIST);
  private static final Set<String> WEAK_WORDS = Set.of("auth", "bearer", "cookie", "cookies", "signature", "dsn", "salt");
  private static final Set<String> REFERENCES = Set.of(split(REFERENCE_LIST));
  private static final Set<String> NOT_FIELDS = Set.of("key", "topologykey", "publickey");
  private static final Set<String> STRUCTURES =
      Set.of("secret", "secrets", "imagepullsecrets", "serviceaccounttoken", "tokenrequests");

  /** {@link #fieldSensitivity}: not sensitive. */
  static final int NOT = 0;
  /** {@link #fieldSensitivity}: a string value is masked; an object or array is read on. */
  static final int STRINGS = 1;
  /** {@link #fieldSensitivity}: a string value, or every scalar beneath an object or array, is masked. */
  static final int ANY_VALUE = 2;

  private final boolean builtIn;
  private final List<Pattern> extra;
  private final ConcurrentHashMap<String, FieldName> fieldNames = new ConcurrentHashMap<>();
  private final SharedNames byBytes = new SharedNames(this::field);

  public SensitiveNames(boolean builtIn, List<Pattern> extra) {
    this.builtIn = builtIn;
    this.extra = extra;
  }

  /**
   * The field name {@code name} as the rules read it, shared by every stream of the masker: the
   * same few hundred names recur in every response. Bounded: past 4096 distinct names (a hostile
   * body inventing names) the cache starts over.
   */
  FieldName field(String name) {
    FieldName f = fieldNames.get(name);
    if (f == null) {
      if (fieldNames.size() >= 4096) {
        fieldNames.clear();
      }
      f = new FieldName(name, this);
      fieldNames.put(name, f);
    }
    return f;
  }

  /**
   * {@link #field(String)} of the plain ASCII bytes {@code w[from, from + n)}, {@code n <=}
   * {@link SharedNames#MAX_LENGTH}, found by the bytes themselves: no string is made for a known name.
   */
  FieldName field(byte[] w, int from, int n) {
    return byBytes.of(w, from, n);
  }

  /** Whether {@code name}, as an env var name or a ConfigMap key, names a secret. */
  public boolean isSensitive(String name) {
    if (builtIn && builtInMatch(name) != null) {
      return true;
    }
    return extraMatch(name);
  }

  /** How a value under field {@code name} of any object is masked: {@link #NOT}, {@link #STRINGS}, {@link #ANY_VALUE}. */
  public int fieldSensitivity(String name) {
    if (extraMatch(name)) {
      return ANY_VALUE;
    }
    if (!builtIn) {
      return NOT;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (NOT_FIELDS.contains(lower)) {
      return NOT;
    }
    String hit = builtInMatch(name);
    if (hit == null) {
      return NOT;
    }
    List<String> words = words(name);
    if (!words.isEmpty() && REFERENCES.contains(words.get(words.size() - 1)) && !hit.equals(words.get(words.size() - 1))) {
      return NOT;
    }
    if (STRUCTURES.contains(lower) || WEAK_WORDS.contains(hit)) {
      return STRINGS;
    }
    return ANY_VALUE;
  }

  private boolean extraMatch(String name) {
    for (Pattern p : extra) {
      if (p.matcher(name).find()) {
        return true;
      }
    }
    return false;
  }

  /** The built-in term {@code name} holds, or {@code null}. */
  static String builtInMatch(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String squashed = lower.replace("_", "").replace("-", "").replace(".", "");
    for (String s : SUBSTRINGS) {
      if (squashed.contains(s)) {
        return s;
      }
    }
    List<String> words = words(name);
    int last = words.size() - 1;
    while (last > 0 && words.get(last).chars().allMatch(Character::isDigit)) {
      last--; // SIGNING_SALT_2 ends in salt
    }
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      for (String w : WORDS) {
        // a weak word names a secret only at the end: SENTRY_DSN, SIGNING_SALT, not DSN_HOST
        if (word.equals(w) && (i == last || !WEAK_WORDS.contains(w))) {
          return w;
        }
      }
    }
    return null;
  }

  /** Lower-case words: split on separators and lower-to-upper camelCase boundaries. */
  static List<String> words(String name) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(4);
    int start = 0;
    for (int i = 0; i <= name.length(); i++) {
      boolean boundary =
          i == name.length()
              || !Character.isLetterOrDigit(name.charAt(i))
              || (i > start && Character.isUpperCase(name.charAt(i)) && Character.isLowerCase(name.charAt(i - 1)));
      if (boundary) {
        if (i > start) {
          out.add(name.substring(start, i).toLowerCase(Locale.ROOT));
        }
        start = (i < name.length() && !Character.isLetterOrDigit(name.charAt(i))) ? i + 1 : i;
      }
    }
    return out;
  }

  private static String[] split(String list) {
    return list.split(",\\s*");
  }
}

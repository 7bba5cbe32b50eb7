package dev.kubeguard.core.mask;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secret-looking values inside strings and text and replaces each (or just its secret part)
 * with its token. Built the way gitleaks/trufflehog-class scanners are: a cheap keyword pre-scan,
 * then a regex for the shape, then an entropy and character-class check of the value, rather than
 * one regex per vendor. Detectors, in the order they run (each is one bit of {@link #triggers}):
 *
 * <ol>
 *   <li><b>PEM private key</b>: a {@code -----BEGIN ... PRIVATE KEY-----} block to its END line
 *       (or to the end of the string). Certificate and public-key blocks are never masked, and no
 *       other detector fires inside them: their bodies are public.
 *   <li><b>JWT</b>: {@code eyJ...​.eyJ...​.sig}.
 *   <li><b>Vendor prefixes</b> (high confidence, no keyword needed): AWS access key ids
 *       ({@code AKIA}/{@code ASIA}), Google API keys ({@code AIza}), GitHub ({@code ghp_},
 *       {@code gho_}, {@code ghu_}, {@code ghs_}, {@code ghr_}, {@code github_pat_}), GitLab
 *       ({@code glpat-}), Slack ({@code xox?-}), Stripe ({@code sk_live_}, {@code rk_test_}, ...).
 *   <li><b>URL password</b>: the password of {@code scheme://user:password@host}.
 *   <li><b>Keyword pair</b>: a keyword (password, passwd, passphrase, pwd, secret, token,
 *       credential, creds, auth, authorization, api key, access key, private key, client secret,
 *       bearer, session, cookie, signature; any case, anywhere in the key) followed within 20
 *       key characters by a separator ({@code =}, {@code :}, {@code :=}, {@code =>}, quotes and
 *       JSON-escaped quotes allowed) and a value (quoted: up to its closing quote). How much the
 *       value must look like a credential depends on how close the evidence is: after a
 *       password-family key ending right at the separator any value is masked except a
 *       placeholder; after another strong key ending there ({@code secret=}, {@code api_key:},
 *       {@code X-Auth-Token:}) any value except a placeholder, a plain word of at most 12 letters
 *       or a {@code namespace/name} reference; after a weak keyword ({@code session},
 *       {@code cookie}, {@code signature}) or a key that goes on past the keyword
 *       ({@code secretName}, {@code token_ttl}) only a value shaped like a generated credential
 *       ({@link ValueShape#credentialLike}: 16+ token characters, mixed classes, Shannon entropy
 *       at least 0.7 of its maximum).
 *   <li><b>Auth scheme</b>: {@code Bearer <b64token>} (8+ characters, not a lower-case word) and
 *       {@code Basic <base64>} (base64 of {@code user:password}, or credential-shaped).
 *   <li><b>Authorization header</b>: {@code Authorization: <scheme> <credential>} for other
 *       schemes ({@code Token}, {@code SSWS}, {@code ApiKey}, ...).
 * </ol>
 *
 * <p>These run on every JSON string of every Kubernetes object as well as on text, so they must
 * leave ordinary values alone (UIDs, resourceVersions, images and digests, timestamps, labels,
 * event messages, certificates). PEM body lines without their BEGIN line are a text-stream rule
 * only ({@link PemBodyLines}, used by {@link TextMaskingStream}), never applied to JSON strings.
 *
 * <p>Regexes run only on strings that a single cheap scan ({@link #mightContain}) flags: keywords
 * are looked for only just before a {@code =} or {@code :}, vendor prefixes by their first
 * characters. The hot path over ordinary names, timestamps and images costs one pass over the
 * characters. User detectors have no such filter and run on every string. Immutable and
 * thread-safe; patterns are compiled once. Never throws on any input.
 */
final class ValueDetectors {

  /** Which part of a match to mask: a group number, or -1 to leave this match alone. */
  @FunctionalInterface
  private interface Pick {
    int group(Matcher m);
  }

  private record Detector(Pattern pattern, Pick pick) {}

  private static final String NOT_MASKED = "(?!" + Pattern.quote(MaskTokens.PREFIX) + ")";

  /** Key words that announce a secret; the gate looks for these in the key before a separator. */
  private static final String KEYWORDS =
      "password|passwd|passphrase|pwd|secrets?|tokens?|credentials?|creds|authorization|auth"
          + "|api[ _.-]?key|access[ _.-]?key|private[ _.-]?key|client[ _.-]?secret"
          + "|bearer|session|cookie|signature";

  /** Keys (lower case) whose values are human-chosen: any value counts. */
  private static final String[] PASSWORD_KEYS = {"password", "passwd", "passphrase", "pwd"};

  /** Keys (lower case, separators removed) that name a secret outright when the key ends with them. */
  private static final String[] STRONG_KEYS = {
    "secret", "secrets", "token", "tokens", "credential", "credentials", "creds", "auth",
    "authorization", "apikey", "accesskey", "privatekey", "clientsecret"
  };

  private static final Pattern KEYWORD_PAIR =
      Pattern.compile(
          "(?i)(" + KEYWORDS + ")([A-Za-z0-9_.-]{0,20}?)(?:\\\\?[\"'])?[ \\t]{0,3}"
              + "(?::=|=>|=(?!=)|:(?![:/]))[ \\t]{0,3}"
              + "(?:\\\\\"" + NOT_MASKED + "((?:[^\"\\\\\\n]|\\\\[^\"\\n]){1,256}?)\\\\\""
              + "|\"" + NOT_MASKED + "([^\"\\n]{1,256})\""
              + "|'" + NOT_MASKED + "([^'\\n]{1,256})'"
              + "|" + NOT_MASKED + "([^\\s\"'`&;,\\\\]+))");

  private static final Pattern SCHEME =
      Pattern.compile(
          "(?i)(?<![A-Za-z0-9])(?:(bearer)|basic)[ \\t]+" + NOT_MASKED + "([A-Za-z0-9._~+/-]+=*)");

  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "(?i)authorization(?:\\\\?[\"'])?[ \\t]{0,3}[:=][ \\t]{0,3}(?:\\\\?[\"'])?"
              + "(?!bearer[ \\t]|basic[ \\t])[A-Za-z][A-Za-z0-9_-]{0,20}[ \\t]+"
              + NOT_MASKED + "([A-Za-z0-9._~+/=-]{8,})");

  private static final List<Detector> BUILT_IN =
      List.of(
          whole(
              "-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----(?:[\\s\\S]*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----|[\\s\\S]*)"),
          whole("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*"),
          whole("(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])"),
          whole("AIza[0-9A-Za-z_-]{35}"),
          whole("(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
          whole("glpat-[A-Za-z0-9_-]{20,}"),
          whole("xox[abposr]-[A-Za-z0-9-]{10,}"),
          whole("(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{10,}"),
          new Detector(
              Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:(" + NOT_MASKED + "[^/\\s@]+)@"), m -> 1),
          new Detector(KEYWORD_PAIR, ValueDetectors::pickPairValue),
          new Detector(SCHEME, ValueDetectors::pickSchemeValue),
          new Detector(AUTHORIZATION, m -> ValueShape.notLowerWord(m.group(1)) ? 1 : -1));

  /** How many built-in detectors there are: the bits {@link #triggers} can set. */
  static int builtInCount() {
    return BUILT_IN.size();
  }

  private static Detector whole(String regex) {
    return new Detector(Pattern.compile(regex), m -> 0);
  }

  private final boolean builtIn;
  private final List<Detector> extra;

  public ValueDetectors(boolean builtIn, List<Pattern> extra) {
    this.builtIn = builtIn;
    this.extra = extra.stream().map(p -> new Detector(p, m -> 0)).toList();
  }

  /** Whether any detector is on. */
  public boolean active() {
    return builtIn || !extra.isEmpty();
  }

  /**
   * Which detectors must run on these characters: a bit per built-in detector that a cheap scan
   * flagged, or {@link #ALL} when user detectors exist (they have no filter). 0: none.
   */
  public int triggers(char[] c, int off, int len) {
    if (!extra.isEmpty()) {
      return ALL;
    }
    return builtIn ? mightContain(c, off, len) : 0;
  }

  /** Every detector. */
  public static final int ALL = -1;

  /** {@link #mask(String, MaskTokens, int[], int)} with every detector. */
  public String mask(String s, MaskTokens tokens, int[] counter) {
    return mask(s, tokens, counter, ALL);
  }

  /**
   * The string with every detected secret replaced by its token, or {@code null} when nothing
   * was found. Runs the built-in detectors whose bit is set in {@code which} and every user
   * detector. {@code counter[0]} grows by the number of replacements.
   */
  public String mask(String s, MaskTokens tokens, int[] counter, int which) {
    String cur = s;
    boolean changed = false;
    if (builtIn) {
      for (int i = 0; i < BUILT_IN.size(); i++) {
        if ((which & (1 << i)) == 0) {
          continue;
        }
        String next = apply(BUILT_IN.get(i), cur, tokens, counter);
        if (next != null) {
          cur = next;
          changed = true;
        }
      }
    }
    for (Detector d : extra) {
      String next = apply(d, cur, tokens, counter);
      if (next != null) {
        cur = next;
        changed = true;
      }
    }
    return changed ? cur : null;
  }

  private static String apply(Detector d, String s, MaskTokens tokens, int[] counter) {
    Matcher m = d.pattern().matcher(s);
    if (!m.find()) {
      return null;
    }
    int[] publicBlocks = PublicPem.blocks(s);
    StringBuilder sb = null;
    int last = 0;
    do {
      if (PublicPem.inside(publicBlocks, m.start())) {
        continue; // a certificate's body is public; a shape found there is chance
      }
      int g = d.pick().group(m);
      if (g < 0) {
        continue;
      }
      int gs = m.start(g);
      int ge = m.end(g);
      if (ge == gs || gs < last) {
        continue;
      }
      if (s.startsWith(MaskTokens.PREFIX, gs)) {
        continue; // already a token: masking it again would only lose the link between equal secrets
      }
      if (sb == null) {
        sb = new StringBuilder(s.length());
      }
      sb.append(s, last, gs).append(tokens.ofText(s.substring(gs, ge)));
      counter[0]++;
      last = ge;
    } while (m.find());
    if (sb == null) {
      return null;
    }
    sb.append(s, last, s.length());
    return sb.toString();
  }

  /** The value group of a keyword pair when its value is secret enough for how strong its key is. */
  private static int pickPairValue(Matcher m) {
    int g = 3;
    while (m.group(g) == null) {
      g++;
    }
    String value = m.group(g);
    String key = (m.group(1) + m.group(2)).toLowerCase(Locale.ROOT);
    boolean keyEndsAtSeparator = m.group(2).isEmpty();
    if (keyEndsAtSeparator || endsWithAny(key, STRONG_KEYS) || endsWithAny(key, PASSWORD_KEYS)) {
      String compact = key.replace("_", "").replace("-", "").replace(".", "").replace(" ", "");
      if (endsWithAny(compact, PASSWORD_KEYS)) {
        boolean workingDirectory = compact.endsWith("pwd") && ValueShape.looksLikePath(value);
        return ValueShape.placeholder(value) || workingDirectory ? -1 : g;
      }
      if (endsWithAny(compact, STRONG_KEYS)) {
        return ValueShape.notASecret(value) ? -1 : g;
      }
    }
    return ValueShape.credentialLike(value) ? g : -1;
  }

  private static int pickSchemeValue(Matcher m) {
    String value = m.group(2);
    if (m.group(1) != null) {
      return value.length() >= 8 && ValueShape.notLowerWord(value) ? 2 : -1;
    }
    return ValueShape.basicCredentials(value) || ValueShape.credentialLike(value) ? 2 : -1;
  }

  private static boolean endsWithAny(String s, String[] suffixes) {
    for (String k : suffixes) {
      if (s.endsWith(k)) {
        return true;
      }
    }
    return false;
  }

  // bit positions: the order of BUILT_IN
  private static final int PEM = 1;
  private static final int JWT = 1 << 1;
  private static final int AWS = 1 << 2;
  private static final int GCP = 1 << 3;
  private static final int GITHUB = 1 << 4;
  private static final int GITLAB = 1 << 5;
  private static final int SLACK = 1 << 6;
  private static final int STRIPE = 1 << 7;
  private static final int URL = 1 << 8;
  static final int PAIR = 1 << 9;
  private static final int AUTH_SCHEME = 1 << 10;
  static final int AUTHORIZATION_HEADER = 1 << 11;

  /**
   * One pass: which built-in detectors could match here? A bit per detector; false positives
   * only cost that detector's regex run.
   */
  static int mightContain(char[] c, int off, int len) {
    if (len < 5) {
      return 0; // the shortest thing a detector matches is a pair like "pwd=x"
    }
    int end = off + len;
    int bits = 0;
    boolean scheme = false;
    boolean at = false;
    for (int i = off; i < end; i++) {
      char ch = c[i];
      // most characters start nothing: one well-predicted table test instead of the switch
      if (ch >= 128 || !STARTS[ch]) {
        continue;
      }
      switch (ch) {
        case 'e' -> {
          if (i + 2 < end && c[i + 1] == 'y' && c[i + 2] == 'J') bits |= JWT;
        }
        case '-' -> {
          if (at(c, i, end, "-----BEGIN")) bits |= PEM;
        }
        case 'A' -> {
          if (at(c, i, end, "AKIA") || at(c, i, end, "ASIA")) bits |= AWS;
          if (at(c, i, end, "AIza")) bits |= GCP;
        }
        case 'g' -> {
          if ((i + 3 < end && c[i + 1] == 'h' && c[i + 3] == '_') || at(c, i, end, "github_pat_")) bits |= GITHUB;
          if (at(c, i, end, "glpat-")) bits |= GITLAB;
        }
        case 'x' -> {
          if (at(c, i, end, "xox")) bits |= SLACK;
        }
        case 'k' -> {
          if (i > off && (c[i - 1] == 's' || c[i - 1] == 'r') && i + 1 < end && c[i + 1] == '_') bits |= STRIPE;
        }
        case 'b', 'B' -> {
          // the regex's own boundary: only an ASCII letter or digit before hides the scheme
          if ((atIgnoreCase(c, i + 1, end, "earer") || atIgnoreCase(c, i + 1, end, "asic"))
              && (i == off || !asciiLetterOrDigit(c[i - 1]))) {
            bits |= AUTH_SCHEME;
          }
        }
        case '/' -> {
          if (i > off && c[i - 1] == ':' && i + 1 < end && c[i + 1] == '/') scheme = true;
        }
        case '@' -> at = true;
        case '=', ':' -> bits |= KeywordGate.before(c, off, i);
        default -> {}
      }
    }
    return scheme && at ? bits | URL : bits;
  }

  /** The characters {@link #mightContain} looks at; keep in step with its switch. */
  private static final boolean[] STARTS = new boolean[128];

  static {
    for (char ch : "e-AgxkbB/@=:".toCharArray()) {
      STARTS[ch] = true;
    }
  }

  private static boolean asciiLetterOrDigit(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
  }

  private static boolean at(char[] c, int i, int end, String s) {
    if (i + s.length() > end) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (c[i + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Whether lower-case {@code s} is at {@code i} in any case, followed by a space or tab. */
  private static boolean atIgnoreCase(char[] c, int i, int end, String s) {
    if (i + s.length() >= end) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if ((c[i + k] | 0x20) != s.charAt(k)) {
        return false;
      }
    }
    char next = c[i + s.length()];
    return next == ' ' || next == '\t';
  }
}

package dev.kubeguard.core.mask;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secret-looking values inside strings and text: JWTs, PEM private keys, cloud access keys,
 * GitHub/GitLab/Slack/Stripe-style tokens, the password of a basic-auth URL and the value of a
 * {@code password=...} pair. Each match (or just its secret part) becomes a token.
 *
 * <p>Regexes run only on strings that a single cheap scan ({@link #mightContain}) flags, so the
 * hot path over ordinary names, timestamps and images costs one pass over the characters. User
 * detectors have no such filter and run on every string. Immutable and thread-safe; patterns are
 * compiled once.
 */
final class ValueDetectors {

  private record Detector(Pattern pattern, int group) {}

  private static final String NOT_MASKED = "(?!" + Pattern.quote(MaskTokens.PREFIX) + ")";

  private static final List<Detector> BUILT_IN =
      List.of(
          new Detector(
              Pattern.compile(
                  "-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----(?:[\\s\\S]*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----|[\\s\\S]*)"),
              0),
          new Detector(Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*"), 0),
          new Detector(Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])"), 0),
          new Detector(Pattern.compile("AIza[0-9A-Za-z_-]{35}"), 0),
          new Detector(Pattern.compile("(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), 0),
          new Detector(Pattern.compile("glpat-[A-Za-z0-9_-]{20,}"), 0),
          new Detector(Pattern.compile("xox[abposr]-[A-Za-z0-9-]{10,}"), 0),
          new Detector(Pattern.compile("(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{10,}"), 0),
          new Detector(Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:(" + NOT_MASKED + "[^/\\s@]+)@"), 1),
          new Detector(
              Pattern.compile(
                  "(?i)(?:password|passwd|passphrase|pwd|secrets?|tokens?|api[_-]?key|access[_-]?key|credentials?)"
                      + "[\"']?\\s*[=:]\\s*[\"']?(" + NOT_MASKED + "[^\\s\"'&;,]+)"),
              1));

  /** Key words whose {@code =} or {@code :} announces a secret (lower case, matched at a word's end). */
  private static final String[] PAIR_KEYS = {
    "password", "passwd", "passphrase", "pwd", "secret", "secrets", "token", "tokens", "apikey",
    "api_key", "api-key", "accesskey", "access_key", "access-key", "credential", "credentials"
  };

  private final boolean builtIn;
  private final List<Detector> extra;

  public ValueDetectors(boolean builtIn, List<Pattern> extra) {
    this.builtIn = builtIn;
    this.extra = extra.stream().map(p -> new Detector(p, 0)).toList();
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
    StringBuilder sb = new StringBuilder(s.length());
    int last = 0;
    do {
      int gs = m.start(d.group());
      int ge = m.end(d.group());
      if (ge == gs) {
        continue;
      }
      if (s.startsWith(MaskTokens.PREFIX, gs)) {
        continue; // already a token: masking it again would only lose the link between equal secrets
      }
      sb.append(s, last, gs).append(tokens.ofText(s.substring(gs, ge)));
      counter[0]++;
      last = ge;
    } while (m.find());
    if (last == 0) {
      return null;
    }
    sb.append(s, last, s.length());
    return sb.toString();
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
  private static final int PAIR = 1 << 9;

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
        case '/' -> {
          if (i > off && c[i - 1] == ':' && i + 1 < end && c[i + 1] == '/') scheme = true;
        }
        case '@' -> at = true;
        case '=', ':' -> {
          if (keyBefore(c, off, i)) bits |= PAIR;
        }
        default -> {}
      }
    }
    return scheme && at ? bits | URL : bits;
  }

  /** The characters {@link #mightContain} looks at; keep in step with its switch. */
  private static final boolean[] STARTS = new boolean[128];

  static {
    for (char ch : "e-Agxk/@=:".toCharArray()) {
      STARTS[ch] = true;
    }
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

  /** Whether the word before position {@code sep} (quotes and spaces skipped) ends with a key word. */
  private static boolean keyBefore(char[] c, int off, int sep) {
    int j = sep - 1;
    while (j >= off && (c[j] == ' ' || c[j] == '"' || c[j] == '\'' || c[j] == '\t')) {
      j--;
    }
    if (j < off + 2) {
      return false;
    }
    // every key word ends in one of these: most separators (timestamps, ports, images) fail here
    switch (c[j] | 0x20) {
      case 'd', 'e', 't', 's', 'n', 'y', 'l' -> {}
      default -> {
        return false;
      }
    }
    for (String k : PAIR_KEYS) {
      int n = k.length();
      if (j - n + 1 < off) {
        continue;
      }
      boolean match = true;
      for (int q = 0; q < n; q++) {
        char ch = c[j - n + 1 + q];
        if (ch >= 'A' && ch <= 'Z') {
          ch = (char) (ch + 32);
        }
        if (ch != k.charAt(q)) {
          match = false;
          break;
        }
      }
      if (match) {
        return true;
      }
    }
    return false;
  }
}

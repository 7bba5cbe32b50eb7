package dev.kubeguard.core.mask;

import java.util.List;
import java.util.Random;

/**
 * Random lower-case words the masker has no reason to touch, for properties that tell masked from
 * plain: a word that spells a part of a sensitive name or keyword (docs/configuration.md: a key
 * {@code xjwt}, an image {@code cqngugipwd:1.5}, which is a keyword pair by the documented rule)
 * is a credential shape by design, so such draws are redrawn.
 */
final class PlainWords {

  private static final List<String> SENSITIVE_PARTS = List.of("pass", "pw", "secret", "token", "cred", "key", "pat",
      "jwt", "salt", "auth", "bearer", "cookie", "sign", "dsn", "hmac", "session");

  private PlainWords() {}

  /** A word of {@code min} to {@code max} letters (inclusive). */
  static String word(Random r, int min, int max) {
    while (true) {
      StringBuilder sb = new StringBuilder();
      int len = min + r.nextInt(max - min + 1);
      for (int i = 0; i < len; i++) {
        sb.append((char) ('a' + r.nextInt(26)));
      }
      String w = sb.toString();
      if (SENSITIVE_PARTS.stream().noneMatch(w::contains)) {
        return w;
      }
    }
  }
}

package dev.kubeguard.core.classify;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code fields.ParseSelector} followed by {@code RequiresExactMatch}: whether a field selector
 * parses, and which value an exact {@code field=value} / {@code field==value} term demands.
 *
 * <p>Terms are split on unescaped commas and sorted (Go sorts by bytes; UTF-8 byte order is code
 * point order) before the first exact match is taken, so {@code metadata.name=b,metadata.name=a}
 * names {@code a}, as the server reads it. Stateless and thread-safe.
 */
final class FieldSelector {

  /** The parse outcome: {@code valid}, and the exact-match value or {@code null}. */
  record Parsed(boolean valid, String exactValue) {}

  private static final Parsed INVALID = new Parsed(false, null);

  private FieldSelector() {}

  static Parsed requiresExactMatch(String selector, String field) {
    List<String> terms = splitTerms(selector);
    terms.sort(FieldSelector::compareCodePoints);
    String found = null;
    for (String term : terms) {
      if (term.isEmpty()) {
        continue;
      }
      int opAt = -1;
      int opLen = 0;
      boolean notEquals = false;
      for (int i = 0; i < term.length(); i++) {
        char c = term.charAt(i);
        if (c == '!' && i + 1 < term.length() && term.charAt(i + 1) == '=') {
          opAt = i;
          opLen = 2;
          notEquals = true;
          break;
        }
        if (c == '=') {
          opAt = i;
          opLen = i + 1 < term.length() && term.charAt(i + 1) == '=' ? 2 : 1;
          break;
        }
      }
      if (opAt < 0) {
        return INVALID;
      }
      String value = unescapeValue(term.substring(opAt + opLen));
      if (value == null) {
        return INVALID;
      }
      if (found == null && !notEquals && term.regionMatches(0, field, 0, field.length())
          && opAt == field.length()) {
        found = value;
      }
    }
    return new Parsed(true, found);
  }

  /** {@code splitTerms}: commas split terms unless escaped by a backslash. */
  private static List<String> splitTerms(String s) {
    List<String> terms = new ArrayList<>(1);
    if (s.isEmpty()) {
      return terms;
    }
    int start = 0;
    boolean inSlash = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inSlash) {
        inSlash = false;
      } else if (c == '\\') {
        inSlash = true;
      } else if (c == ',') {
        terms.add(s.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(s.substring(start));
    return terms;
  }

  /** {@code UnescapeValue}: {@code \\ \, \=} are escapes; anything else after {@code \} or a bare {@code ,}/{@code =} is an error. */
  private static String unescapeValue(String s) {
    boolean special = false;
    for (int i = 0; i < s.length() && !special; i++) {
      char c = s.charAt(i);
      special = c == '\\' || c == ',' || c == '=';
    }
    if (!special) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    boolean inSlash = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inSlash) {
        if (c != '\\' && c != ',' && c != '=') {
          return null;
        }
        out.append(c);
        inSlash = false;
      } else if (c == '\\') {
        inSlash = true;
      } else if (c == ',' || c == '=') {
        return null;
      } else {
        out.append(c);
      }
    }
    return inSlash ? null : out.toString();
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}

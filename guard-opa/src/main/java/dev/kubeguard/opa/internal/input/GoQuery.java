package dev.kubeguard.opa.internal.input;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a raw query string the way Go's {@code url.ParseQuery} does, which is how kube-apiserver
 * reads it: pairs containing {@code ;} or a bad percent escape are dropped, {@code +} is a space,
 * names are decoded too, a pair without {@code =} has the value {@code ""}. Reading the query
 * differently from the server would let a policy see parameters the server ignores, or miss ones it
 * honours. Stateless and thread-safe.
 */
final class GoQuery {

  private GoQuery() {}

  /** Name to values, names in order of first appearance. */
  static Map<String, List<String>> parse(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    int start = 0;
    while (start <= rawQuery.length()) {
      int amp = rawQuery.indexOf('&', start);
      int end = amp < 0 ? rawQuery.length() : amp;
      String pair = rawQuery.substring(start, end);
      start = end + 1;
      if (pair.isEmpty() || pair.indexOf(';') >= 0) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = unescape(eq < 0 ? pair : pair.substring(0, eq));
      String value = unescape(eq < 0 ? "" : pair.substring(eq + 1));
      if (key != null && value != null) {
        out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      }
      if (amp < 0) {
        break;
      }
    }
    return out;
  }

  /** Go's {@code QueryUnescape}, or {@code null} for a bad escape. */
  static String unescape(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        int runEnd = i + 1;
        while (runEnd < s.length() && s.charAt(runEnd) != '%' && s.charAt(runEnd) != '+') {
          runEnd++;
        }
        byte[] enc = s.substring(i, runEnd).getBytes(StandardCharsets.UTF_8);
        bytes.write(enc, 0, enc.length);
        i = runEnd - 1;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}

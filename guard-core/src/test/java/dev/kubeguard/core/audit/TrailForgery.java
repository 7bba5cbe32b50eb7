package dev.kubeguard.core.audit;

import dev.kubeguard.core.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What an attacker who knows the line format but not the chain key can do to a trail: edit a line
 * and recompute every hash from there on, or append a line of their own with a correct seq,
 * prev-hash and hash. The macs they cannot compute are left as they were.
 */
final class TrailForgery {

  private static final String PREV = "\"" + ChainLine.PREV_HASH + "\":\"";
  private static final String HASH = "\"" + ChainLine.HASH + "\":\"";
  private static final String SEQ = "\"" + ChainLine.SEQ + "\":\"";

  private TrailForgery() {}

  /** {@code lines} with line {@code at} replaced by {@code edited} and every hash recomputed. */
  static List<String> editAndRehash(List<String> lines, int at, String edited) {
    List<String> out = new ArrayList<>(lines);
    out.set(at, edited);
    String prev = at == 0 ? ChainLine.GENESIS : storedHash(out.get(at - 1));
    for (int i = at; i < out.size(); i++) {
      String line = withHash(withPrev(out.get(i), prev));
      out.set(i, line);
      prev = storedHash(line);
    }
    return out;
  }

  /** A copy of the last line, renumbered as the next one, linked to it and rehashed. */
  static String forgedNext(String last, String replace, String with) {
    long seq = Long.parseLong(between(last, SEQ, "\""));
    String next = last.replace(SEQ + seq + "\"", SEQ + (seq + 1) + "\"").replace(replace, with);
    return withHash(withPrev(next, storedHash(last)));
  }

  static String storedHash(String line) {
    int at = line.lastIndexOf(HASH) + HASH.length();
    return line.substring(at, at + 64);
  }

  private static String withPrev(String line, String prev) {
    int at = line.lastIndexOf(PREV) + PREV.length();
    return line.substring(0, at) + prev + line.substring(at + 64);
  }

  private static String withHash(String line) {
    int at = line.lastIndexOf(HASH) + HASH.length();
    byte[] prefix = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
    String hash = HexFormat.of().formatHex(Sha256.newDigest().digest(prefix));
    return line.substring(0, at) + hash + line.substring(at + 64);
  }

  private static String between(String s, String open, String close) {
    int a = s.lastIndexOf(open) + open.length();
    return s.substring(a, s.indexOf(close, a));
  }
}

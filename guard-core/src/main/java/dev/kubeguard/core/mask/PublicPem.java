package dev.kubeguard.core.mask;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a string holds public PEM blocks (certificates, public keys, CSRs): no detector fires
 * there, because their bodies are public and a vendor shape found in base64 is chance. A block
 * ends at its END line or, failing that, at the next BEGIN line, so a private key never hides
 * inside an unterminated certificate. Stateless; thread-safe.
 */
final class PublicPem {

  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----");

  private PublicPem() {}

  /** Start/end pairs of the public blocks of {@code s}, or {@code null} when it has none. */
  static int[] blocks(String s) {
    int first = s.indexOf("-----BEGIN ");
    if (first < 0) {
      return null;
    }
    List<Integer> spans = new ArrayList<>();
    Matcher b = BEGIN.matcher(s);
    int from = first;
    while (b.find(from)) {
      String label = b.group(1);
      String endLine = "-----END " + label + "-----";
      int end = s.indexOf(endLine, b.end());
      int blockEnd = end < 0 ? s.length() : end + endLine.length();
      int nextBegin = s.indexOf("-----BEGIN", b.end());
      if (nextBegin >= 0 && nextBegin < blockEnd) {
        blockEnd = nextBegin;
      }
      if (!label.contains("PRIVATE KEY")) {
        spans.add(b.start());
        spans.add(blockEnd);
      }
      from = blockEnd;
      if (from >= s.length()) {
        break;
      }
    }
    if (spans.isEmpty()) {
      return null;
    }
    int[] out = new int[spans.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = spans.get(i);
    }
    return out;
  }

  static boolean inside(int[] blocks, int pos) {
    if (blocks == null) {
      return false;
    }
    for (int i = 0; i < blocks.length; i += 2) {
      if (pos >= blocks[i] && pos < blocks[i + 1]) {
        return true;
      }
    }
    return false;
  }
}

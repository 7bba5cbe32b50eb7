package dev.kubeguard.approval.web;

/**
 * Escapes text for HTML. Everything the page shows from an ApprovalRequest object, a token's
 * identity or an error message passes through {@link #text}: objects can be written by anyone
 * allowed to create them, so nothing from them is ever markup. Stateless; thread-safe.
 */
final class Html {

  private Html() {}

  /**
   * {@code s} safe as element text and as a double- or single-quoted attribute value. Control
   * characters other than tab and newline become U+FFFD so nothing invisible reaches the page.
   */
  static String text(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\t', '\n' -> out.append(c);
        default -> out.append(c < 0x20 || c == 0x7f ? '\ufffd' : c);
      }
    }
    return out.toString();
  }
}

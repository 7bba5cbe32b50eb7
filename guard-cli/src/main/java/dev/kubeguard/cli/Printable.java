package dev.kubeguard.cli;

/**
 * Text from a cluster object or a server made safe to print on a terminal. Whoever can write an
 * ApprovalRequest (or answer as the approval server) chooses these strings; escape sequences or
 * bidirectional overrides in them could redraw what the approver sees (hide a line, fake a field),
 * so every control and format character becomes {@code ?}. Stateless.
 */
final class Printable {

  private Printable() {}

  /** For one table cell or one line: line breaks and tabs become spaces too. */
  static String line(String s) {
    return clean(s, false);
  }

  /** For a multi-line block (a body, a diff): keeps line breaks and tabs. */
  static String block(String s) {
    return clean(s, true);
  }

  private static String clean(String s, boolean keepLines) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\n' || c == '\t') {
        b.append(keepLines ? (char) c : ' ');
      } else if (c == '\r') {
        // CRLF line ends are just line ends; a lone CR could overwrite the line it ends.
        if (!(keepLines && i < s.length() && s.charAt(i) == '\n')) {
          b.append(keepLines ? '?' : ' ');
        }
      } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
          || c == '\u2028' || c == '\u2029') {
        b.append('?');
      } else {
        b.appendCodePoint(c);
      }
    }
    return b.toString();
  }
}

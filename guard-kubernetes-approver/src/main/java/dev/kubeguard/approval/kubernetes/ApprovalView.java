package dev.kubeguard.approval.kubernetes;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an approver sees of a held request besides its attributes, as written to
 * {@code spec.view} of its ApprovalRequest: the request body after the Guard's masker, a unified
 * diff (masked) of the live object against the server's dry-run result, and why there is no diff.
 * Every field is already masked when the view is built; each is at most {@link #MAX_BYTES} of
 * UTF-8, longer ones are cut with a note saying so. Immutable.
 *
 * @param maskedBody the masked request body, pretty JSON, or {@code ""}
 * @param diff the masked unified diff, or {@code ""} when there is none
 * @param diffNote why there is no diff (or what it shows), or {@code ""}
 */
record ApprovalView(String maskedBody, String diff, String diffNote) {

  /** The most one field holds: etcd keeps objects to about 1.5 MiB, and people read less. */
  static final int MAX_BYTES = 64 * 1024;

  ApprovalView {
    maskedBody = cut(maskedBody == null ? "" : maskedBody, "the masked body");
    diff = cut(diff == null ? "" : diff, "the diff");
    diffNote = cut(diffNote == null ? "" : diffNote, "the note");
  }

  /** A view with nothing to show but {@code note}. */
  static ApprovalView note(String note) {
    return new ApprovalView("", "", note);
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("maskedBody", maskedBody);
    m.put("diff", diff);
    m.put("diffNote", diffNote);
    return m;
  }

  static String cut(String s, String what) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= MAX_BYTES) {
      return s;
    }
    String note = "\n… [kubeguard: " + what + " was " + utf8.length + " bytes; only its start is shown]";
    int room = MAX_BYTES - note.getBytes(StandardCharsets.UTF_8).length;
    // Cut on a character boundary: back off continuation bytes (10xxxxxx) of a split character.
    int end = room;
    while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(utf8, 0, end, StandardCharsets.UTF_8) + note;
  }
}

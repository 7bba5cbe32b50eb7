package dev.kubeguard.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code kubeguard approvals} prints for people: the {@code list} table in kubectl's layout
 * and ages, and the {@code show} description. Every string from the object goes through
 * {@link Printable}. Stateless.
 */
final class ApprovalsText {

  static final List<String> COLUMNS =
      List.of("ID", "STATE", "REQUESTER", "VERB", "RESOURCE", "NAMESPACE/NAME", "EXPIRES", "AGE");

  private ApprovalsText() {}

  /** The table: a header and one row per approval, columns three spaces apart as kubectl's. */
  static String table(List<ApprovalView> views, Instant now) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(COLUMNS);
    for (ApprovalView v : views) {
      rows.add(List.of(v.id(), v.state().name(), v.requester(), v.verb(), resource(v), target(v),
          expires(v.expiresAt(), now), age(Duration.between(v.requestedAt(), now))).stream()
          .map(c -> c.isEmpty() ? "<none>" : Printable.line(c)).toList());
    }
    int[] width = new int[COLUMNS.size()];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).codePointCount(0, r.get(i).length()));
      }
    }
    StringBuilder s = new StringBuilder();
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        String cell = r.get(i);
        s.append(cell);
        if (i < r.size() - 1) {
          s.append(" ".repeat(width[i] - cell.codePointCount(0, cell.length()) + 3));
        }
      }
      s.append('\n');
    }
    return s.toString();
  }

  /** One approval in full, as {@code kubectl describe} lays things out; ends with a newline. */
  static String describe(ApprovalView v, Instant now) {
    StringBuilder s = new StringBuilder();
    field(s, "ID", v.id());
    field(s, "Namespace", v.namespace());
    field(s, "State", v.state().name());
    field(s, "Requester", v.requester()
        + (v.requesterGroups().isEmpty() ? "" : " (groups: " + String.join(", ", v.requesterGroups()) + ")"));
    field(s, "Request", (v.method() + " " + v.path()).trim());
    field(s, "Verb", v.verb());
    field(s, "Resource", resource(v));
    field(s, "Object", target(v));
    field(s, "Reason", v.reason());
    field(s, "Approvers", (v.approverGroups().isEmpty() ? "any approver" : String.join(", ", v.approverGroups()))
        + " (" + v.approvalsNeeded() + (v.approvalsNeeded() == 1 ? " approval" : " approvals") + " needed)");
    field(s, "Requested", v.requestedAt() + " (" + age(Duration.between(v.requestedAt(), now)) + " ago)");
    field(s, "Expires", v.expiresAt() + " (" + expires(v.expiresAt(), now) + ")");
    field(s, "Answer at", v.answerUrl());
    s.append("Answers:");
    if (v.answers().isEmpty()) {
      s.append("     <none>\n");
    } else {
      s.append('\n');
      for (ApprovalView.Answer a : v.answers()) {
        s.append("  ").append(Printable.line(a.user())).append(a.approved() ? " approved" : " denied")
            .append(" at ").append(a.at());
        if (!a.comment().isEmpty()) {
          s.append(": ").append(Printable.line(a.comment()));
        }
        s.append('\n');
      }
    }
    s.append("Body (masked):");
    block(s, v.maskedBody(), "<none>");
    s.append("Diff (live object -> dry-run result, masked):");
    block(s, v.diff(), v.diffNote().isEmpty() ? "<none>" : "<none>: " + Printable.line(v.diffNote()));
    return s.toString();
  }

  private static void field(StringBuilder s, String name, String value) {
    String label = name + ":";
    s.append(label).append(" ".repeat(Math.max(1, 13 - label.length())))
        .append(value.isEmpty() ? "<none>" : Printable.line(value)).append('\n');
  }

  private static void block(StringBuilder s, String text, String none) {
    if (text.isEmpty()) {
      s.append(' ').append(none).append('\n');
      return;
    }
    s.append('\n');
    String t = Printable.block(text);
    // A final line break ends the last line; it does not start another.
    t = t.endsWith("\n") ? t.substring(0, t.length() - 1) : t;
    for (String line : t.split("\n", -1)) {
      s.append("  ").append(line).append('\n');
    }
  }

  /** {@code resource[.group][/subresource]}, as kubectl names a resource. */
  static String resource(ApprovalView v) {
    return v.resource() + (v.apiGroup().isEmpty() ? "" : "." + v.apiGroup())
        + (v.subresource().isEmpty() ? "" : "/" + v.subresource());
  }

  /** {@code namespace/name}; {@code <none>} stands for what the request does not name. */
  static String target(ApprovalView v) {
    if (v.objectNamespace().isEmpty()) {
      return v.objectName();
    }
    return v.objectNamespace() + "/" + (v.objectName().isEmpty() ? "<none>" : v.objectName());
  }

  static String expires(Instant at, Instant now) {
    Duration left = Duration.between(now, at);
    return left.isNegative() ? age(left.negated()) + " ago" : "in " + age(left);
  }

  /** kubectl's age ({@code HumanDuration} of apimachinery): {@code 45s}, {@code 5m10s}, {@code 3h}, {@code 2d4h}. */
  static String age(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long dy = hours / 24 % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}

package dev.kubeguard.opa.internal.result;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequirement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a result's {@code require_approval} member: {@code true} (one approver from any group,
 * default ttl, request-then-retry) or an object
 * {@code {approver_groups: [..], count: 1, ttl: "15m" | seconds, mode: "blocking" |
 * "request_then_retry", reuse_window: "0s" | seconds}}, every member optional. Anything malformed
 * is reported to {@code problems} and yields {@code null}. Stateless and thread-safe.
 */
final class ApprovalParser {

  /** More approvers than this is a policy bug, not a requirement anyone can meet. */
  static final int MAX_COUNT = 100;

  private ApprovalParser() {}

  static ApprovalRequirement parse(JsonNode node, List<String> problems) {
    if (node.isBoolean()) {
      return new ApprovalRequirement(List.of(), 1, null, null, null);
    }
    if (!node.isObject()) {
      problems.add("require_approval must be true or an object, got " + Json.kind(node));
      return null;
    }
    int before = problems.size();
    List<String> groups = groups(node.get("approver_groups"), problems);
    int count = count(node.get("count"), problems);
    Duration ttl = duration(node.get("ttl"), "require_approval.ttl", false, problems);
    ApprovalMode mode = mode(node.get("mode"), problems);
    Duration reuse = duration(node.get("reuse_window"), "require_approval.reuse_window", true, problems);
    if (problems.size() > before) {
      return null;
    }
    return new ApprovalRequirement(groups, count, ttl, mode, reuse);
  }

  private static List<String> groups(JsonNode node, List<String> problems) {
    if (Json.absent(node)) {
      return List.of();
    }
    List<String> groups = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode g : node) {
        if (!g.isTextual() || g.asText().isBlank()) {
          problems.add("require_approval.approver_groups must hold non-empty strings, got " + Json.kind(g));
          return List.of();
        }
        groups.add(g.asText());
      }
      return groups;
    }
    problems.add("require_approval.approver_groups must be an array of strings, got " + Json.kind(node));
    return List.of();
  }

  private static int count(JsonNode node, List<String> problems) {
    if (Json.absent(node)) {
      return 1;
    }
    if (node.isNumber() && node.canConvertToExactIntegral() && node.canConvertToInt()
        && node.asInt() >= 1 && node.asInt() <= MAX_COUNT) {
      return node.asInt();
    }
    problems.add("require_approval.count must be an integer from 1 to " + MAX_COUNT + ", got " + Json.show(node));
    return 1;
  }

  private static Duration duration(JsonNode node, String field, boolean zeroAllowed, List<String> problems) {
    if (Json.absent(node)) {
      return null;
    }
    try {
      Duration d;
      if (node.isNumber()) {
        d = GoDuration.ofSeconds(node.decimalValue());
      } else if (node.isTextual()) {
        d = GoDuration.parse(node.asText());
      } else {
        problems.add(field + " must be a duration string (\"15m\") or a number of seconds, got " + Json.kind(node));
        return null;
      }
      if (d.isZero() && !zeroAllowed) {
        problems.add(field + " must be positive, got " + Json.show(node));
        return null;
      }
      return d;
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
      return null;
    }
  }

  private static ApprovalMode mode(JsonNode node, List<String> problems) {
    if (Json.absent(node)) {
      return null;
    }
    if (node.isTextual()) {
      switch (node.asText().toLowerCase(Locale.ROOT).replace('-', '_')) {
        case "blocking":
          return ApprovalMode.BLOCKING;
        case "request_then_retry":
          return ApprovalMode.REQUEST_THEN_RETRY;
        default:
          break;
      }
    }
    problems.add("require_approval.mode must be \"blocking\" or \"request_then_retry\", got " + Json.show(node));
    return null;
  }
}

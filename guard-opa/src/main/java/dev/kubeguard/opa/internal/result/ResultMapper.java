package dev.kubeguard.opa.internal.result;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Decision.Effect;
import dev.kubeguard.api.Obligations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns an OPA {@code result} value into a {@link Decision}, failing closed on anything it does not
 * fully understand.
 *
 * <ul>
 *   <li>{@code true} allows, {@code false} denies;
 *   <li>an object {@code {allow, deny, reasons, require_approval, audit_level, masking_profile}}:
 *       {@code deny} ({@code true}, or a non-empty array of reasons, as a Rego
 *       {@code deny contains msg} set serializes) wins; else {@code require_approval} asks for an
 *       approval; else {@code allow: true} allows; else it is a denial;
 *   <li>a SubjectAccessReview ({@code kind: "SubjectAccessReview"} with a {@code status}), as
 *       policies written for the Kubernetes webhook return: {@code status.allowed: true} without
 *       {@code status.denied: true} allows, anything else denies;
 *   <li>anything else, and any malformed member, denies with a reason naming what was wrong.
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class ResultMapper {

  private ResultMapper() {}

  /**
   * Maps {@code result} for the rule {@code ruleId}; {@code annotations} go onto every decision.
   */
  public static Decision map(JsonNode result, String ruleId, Map<String, String> annotations) {
    if (result.isBoolean()) {
      return result.booleanValue()
          ? decision(Effect.ALLOW, "allowed by OPA policy", ruleId, Obligations.defaults(), annotations)
          : decision(Effect.DENY, "denied by OPA policy", ruleId, Obligations.defaults(), annotations);
    }
    if (result.isObject() && isSubjectAccessReview(result)) {
      return fromSubjectAccessReview(result.get("status"), ruleId, annotations);
    }
    if (result.isObject()) {
      return fromObject(result, ruleId, annotations);
    }
    return malformed(List.of("the result must be a boolean or an object, got " + Json.kind(result)), ruleId, annotations);
  }

  private static Decision fromObject(JsonNode r, String ruleId, Map<String, String> annotations) {
    List<String> problems = new ArrayList<>();
    boolean allow = bool(r.get("allow"), "allow", problems);
    List<String> denyReasons = new ArrayList<>();
    boolean deny = deny(r.get("deny"), denyReasons, problems);
    List<String> reasons = strings(r.get("reasons"), "reasons", problems);
    Obligations obligations = obligations(r, problems);
    ApprovalRequirement approval =
        Json.absent(r.get("require_approval")) || r.get("require_approval").equals(Json.FALSE)
            ? null
            : ApprovalParser.parse(r.get("require_approval"), problems);
    if (!problems.isEmpty()) {
      return malformed(problems, ruleId, annotations);
    }
    if (deny) {
      denyReasons.addAll(reasons);
      return decision(Effect.DENY, join(denyReasons, "denied by OPA policy"), ruleId, obligations, annotations);
    }
    if (approval != null) {
      return decision(Effect.REQUIRE_APPROVAL, join(reasons, "approval required by OPA policy"), ruleId,
          obligations.withApproval(approval), annotations);
    }
    if (allow) {
      return decision(Effect.ALLOW, join(reasons, "allowed by OPA policy"), ruleId, obligations, annotations);
    }
    return decision(Effect.DENY, join(reasons, "OPA policy did not allow this request"), ruleId, obligations, annotations);
  }

  private static boolean isSubjectAccessReview(JsonNode r) {
    JsonNode kind = r.get("kind");
    return kind != null && "SubjectAccessReview".equals(kind.asText(null)) && r.has("status");
  }

  private static Decision fromSubjectAccessReview(JsonNode status, String ruleId, Map<String, String> annotations) {
    if (!status.isObject()) {
      return malformed(List.of("SubjectAccessReview status must be an object, got " + Json.kind(status)), ruleId, annotations);
    }
    JsonNode reasonNode = status.get("reason");
    String reason = reasonNode != null && reasonNode.isTextual() ? reasonNode.asText() : "";
    JsonNode evalError = status.get("evaluationError");
    if (evalError != null && evalError.isTextual() && !evalError.asText().isEmpty()) {
      reason = reason.isEmpty() ? evalError.asText() : reason + "; " + evalError.asText();
    }
    boolean allowed = Json.TRUE.equals(status.get("allowed"));
    boolean denied = Json.TRUE.equals(status.get("denied"));
    return allowed && !denied
        ? decision(Effect.ALLOW, reason.isEmpty() ? "allowed by OPA policy" : reason, ruleId, Obligations.defaults(), annotations)
        : decision(Effect.DENY, reason.isEmpty() ? "denied by OPA policy" : reason, ruleId, Obligations.defaults(), annotations);
  }

  private static boolean bool(JsonNode node, String field, List<String> problems) {
    if (Json.absent(node)) {
      return false;
    }
    if (!node.isBoolean()) {
      problems.add(field + " must be a boolean, got " + Json.show(node));
      return false;
    }
    return node.booleanValue();
  }

  private static boolean deny(JsonNode node, List<String> reasons, List<String> problems) {
    if (Json.absent(node)) {
      return false;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isArray()) {
      reasons.addAll(strings(node, "deny", problems));
      return node.size() > 0;
    }
    problems.add("deny must be a boolean or an array of reasons, got " + Json.show(node));
    return true;
  }

  private static List<String> strings(JsonNode node, String field, List<String> problems) {
    if (Json.absent(node)) {
      return List.of();
    }
    if (node.isTextual()) {
      return node.asText().isEmpty() ? List.of() : List.of(node.asText());
    }
    if (node.isArray()) {
      List<String> out = new ArrayList<>();
      for (JsonNode s : node) {
        if (!s.isTextual()) {
          problems.add(field + " must hold strings, got " + Json.show(s));
          return List.of();
        }
        out.add(s.asText());
      }
      return out;
    }
    problems.add(field + " must be a string or an array of strings, got " + Json.show(node));
    return List.of();
  }

  private static Obligations obligations(JsonNode r, List<String> problems) {
    Obligations o = Obligations.defaults();
    JsonNode level = r.get("audit_level");
    if (!Json.absent(level)) {
      if (!level.isTextual()) {
        problems.add("audit_level must be a string, got " + Json.show(level));
      } else {
        try {
          o = o.withAuditLevel(AuditLevel.parse(level.asText()));
        } catch (IllegalArgumentException e) {
          problems.add("audit_level: " + e.getMessage());
        }
      }
    }
    JsonNode profile = r.get("masking_profile");
    if (!Json.absent(profile)) {
      if (!profile.isTextual() || profile.asText().isBlank()) {
        problems.add("masking_profile must be a non-empty string, got " + Json.show(profile));
      } else {
        o = o.withMaskingProfile(profile.asText());
      }
    }
    return o;
  }

  private static Decision malformed(List<String> problems, String ruleId, Map<String, String> annotations) {
    return decision(Effect.DENY, "OPA result is malformed: " + String.join("; ", problems), ruleId,
        Obligations.defaults(), annotations);
  }

  private static String join(List<String> reasons, String fallback) {
    return reasons.isEmpty() ? fallback : String.join("; ", reasons);
  }

  private static Decision decision(Effect effect, String reason, String ruleId, Obligations o, Map<String, String> annotations) {
    return new Decision(effect, reason, ruleId, o, annotations);
  }
}

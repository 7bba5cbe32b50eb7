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
import java.util.Set;
import java.util.TreeSet;

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
 *       policies written for the Kubernetes webhook return, read as kube-apiserver's webhook
 *       authorizer reads it: {@code denied: true} denies (also with {@code allowed: true}); else
 *       {@code allowed: true} allows; else the webhook has no opinion, which denies here;
 *   <li>anything else, and any malformed member, denies with a reason naming what was wrong.
 * </ul>
 *
 * <p>Decision fields ({@code allow}, {@code deny}, {@code status.allowed}, {@code status.denied})
 * must be JSON booleans when present ({@code deny} may also be an array of reason strings). A
 * string {@code "true"}, a number, {@code null} or an object is not read as "truthy" or as
 * "absent": it denies, naming the field and its JSON type. kube-apiserver decodes the status into
 * Go {@code bool}s and fails the whole review on {@code "true"}, so a policy that relied on a
 * looser reading here would be allowed by us and denied by the cluster. {@code null} is stricter
 * than Go (which leaves the field false): a policy producing {@code null} has a bug, and for
 * {@code denied} reading it as false would turn the bug into an allow.
 *
 * Stateless and thread-safe.
 */
public final class ResultMapper {

  private ResultMapper() {}

  /**
   * Maps {@code result} for the rule {@code ruleId}; {@code annotations} go onto every decision.
   */
  public static Decision map(JsonNode result, String ruleId, Map<String, String> annotations,
      Set<String> knownProfiles) {
    if (result.isBoolean()) {
      return result.booleanValue()
          ? decision(Effect.ALLOW, "allowed by OPA policy", ruleId, Obligations.defaults(), annotations)
          : decision(Effect.DENY, "denied by OPA policy", ruleId, Obligations.defaults(), annotations);
    }
    if (result.isObject() && isSubjectAccessReview(result)) {
      return fromSubjectAccessReview(result.get("status"), ruleId, annotations);
    }
    if (result.isObject()) {
      return fromObject(result, ruleId, annotations, knownProfiles);
    }
    return malformed(List.of("the result must be a boolean or an object, got " + Json.kind(result)), ruleId, annotations);
  }

  private static Decision fromObject(JsonNode r, String ruleId, Map<String, String> annotations,
      Set<String> knownProfiles) {
    List<String> problems = new ArrayList<>();
    boolean allow = bool(r.get("allow"), "allow", problems);
    List<String> denyReasons = new ArrayList<>();
    boolean deny = deny(r.get("deny"), denyReasons, problems);
    List<String> reasons = strings(r.get("reasons"), "reasons", problems);
    Obligations obligations = obligations(r, knownProfiles, problems);
    // null is not "no approval needed": read that way, a policy bug would skip the approval.
    JsonNode requireApproval = r.get("require_approval");
    ApprovalRequirement approval =
        requireApproval == null || requireApproval.equals(Json.FALSE)
            ? null
            : ApprovalParser.parse(requireApproval, problems);
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
    // kube-apiserver decodes the status into Go types; a member of another type fails the review
    // (an error, so no opinion, so not allowed). Each such member is a denial naming it.
    List<String> problems = new ArrayList<>();
    boolean allowed = bool(status.get("allowed"), "status.allowed", problems);
    boolean denied = bool(status.get("denied"), "status.denied", problems);
    String reason = text(status.get("reason"), "status.reason", problems);
    String evalError = text(status.get("evaluationError"), "status.evaluationError", problems);
    if (!problems.isEmpty()) {
      return malformed(problems, ruleId, annotations);
    }
    if (!evalError.isEmpty()) {
      reason = reason.isEmpty() ? evalError : reason + "; " + evalError;
    }
    // The order of webhook.go's Authorize switch: denied first, so allowed+denied is a denial.
    if (denied) {
      String why = reason.isEmpty() ? "denied by OPA policy" : reason;
      return decision(Effect.DENY, allowed ? why + " (the SubjectAccessReview both allowed and denied; denied wins)" : why,
          ruleId, Obligations.defaults(), annotations);
    }
    if (allowed) {
      return decision(Effect.ALLOW, reason.isEmpty() ? "allowed by OPA policy" : reason, ruleId, Obligations.defaults(), annotations);
    }
    // Neither: the webhook has no opinion. There is no further authorizer here, so it denies.
    return decision(Effect.DENY, reason.isEmpty() ? "OPA policy did not allow this request (no opinion)" : reason,
        ruleId, Obligations.defaults(), annotations);
  }

  /** A string member of the status; absent or {@code null} (which Go leaves empty) is "". */
  private static String text(JsonNode node, String field, List<String> problems) {
    if (Json.absent(node)) {
      return "";
    }
    if (!node.isTextual()) {
      problems.add(field + " must be a string, got " + Json.kind(node));
      return "";
    }
    return node.asText();
  }

  /**
   * A decision field: absent is {@code false}; anything but a JSON boolean, {@code null} included,
   * is a problem naming the field and the value's type (not the value: it may be large, and a
   * policy may have put something sensitive there).
   */
  private static boolean bool(JsonNode node, String field, List<String> problems) {
    if (node == null || node.isMissingNode()) {
      return false;
    }
    if (!node.isBoolean()) {
      problems.add(field + " must be a JSON boolean, got " + Json.kind(node));
      return false;
    }
    return node.booleanValue();
  }

  private static boolean deny(JsonNode node, List<String> reasons, List<String> problems) {
    if (node == null || node.isMissingNode()) {
      return false;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isArray()) {
      reasons.addAll(strings(node, "deny", problems));
      return node.size() > 0;
    }
    problems.add("deny must be a JSON boolean or an array of reason strings, got " + Json.kind(node));
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
          problems.add(field + " must hold strings, got " + Json.kind(s));
          return List.of();
        }
        out.add(s.asText());
      }
      return out;
    }
    problems.add(field + " must be a string or an array of strings, got " + Json.show(node));
    return List.of();
  }

  private static Obligations obligations(JsonNode r, Set<String> knownProfiles, List<String> problems) {
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
      } else if (!knownProfiles.contains(profile.asText())) {
        // The Guard would forward the request and only then find no such profile for the
        // response: a write would run unrecorded as intended. Refuse it before it is sent.
        problems.add("masking_profile " + Json.show(profile) + " is not a known masking profile (known: "
            + String.join(", ", new TreeSet<>(knownProfiles)) + "); register it with the Guard's masker and list it"
            + " in OpaPolicyEngine.builder().knownMaskingProfiles(...)");
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

package dev.kubeguard.opa.internal.result;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.Decision;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads an answer of OPA's Data API ({@code {"result": ..., "decision_id": "..."}}) into a
 * {@link Decision}. A non-200 status, a body that is not one JSON object, and a missing
 * {@code result} (OPA's "undefined": the rule has no value for this input) are denials that say
 * so. Stateless and thread-safe.
 */
public final class AnswerReader {

  /** Annotation carrying OPA's {@code decision_id}, for correlation with OPA's decision log. */
  public static final String DECISION_ID = "opa-decision-id";
  /** Annotation carrying the data path that decided. */
  public static final String PATH = "opa-path";
  /** Answers larger than this are not read: a decision document is a few hundred bytes. */
  public static final int MAX_ANSWER_BYTES = 1 << 20;

  private static final int MAX_MESSAGE = 200;
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private AnswerReader() {}

  /** A decision, and whether it came from an evaluated policy (and so may be cached). */
  public record Outcome(Decision decision, boolean evaluated) {}

  /**
   * Reads {@code body} answered with {@code status} by the OPA at {@code where} for
   * {@code dataPath}; a result naming a masking profile outside {@code knownProfiles} denies.
   */
  public static Outcome read(int status, byte[] body, String where, String dataPath, Set<String> knownProfiles) {
    String ruleId = "opa:" + dataPath;
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(PATH, dataPath);
    if (status != 200) {
      return failed("OPA at " + where + " answered HTTP " + status + errorDetail(body), ruleId, annotations);
    }
    if (body.length > MAX_ANSWER_BYTES) {
      return failed("OPA at " + where + " answered with " + body.length + " bytes, more than the "
          + MAX_ANSWER_BYTES + " a decision may take", ruleId, annotations);
    }
    JsonNode root;
    try {
      root = STRICT.readTree(body);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      return failed("OPA at " + where + " answered HTTP 200 with a body that is not a JSON object", ruleId, annotations);
    }
    JsonNode id = root.get("decision_id");
    if (id != null && id.isTextual() && !id.asText().isEmpty()) {
      annotations.put(DECISION_ID, id.asText());
    }
    JsonNode result = root.get("result");
    if (result == null) {
      return new Outcome(Decision.deny(ruleId,
          "OPA result for " + dataPath + " is undefined for this request (no rule produced a value;"
              + " check the package path and give the rule a default)")
          .withAnnotations(annotations), true);
    }
    if (result.isNull()) {
      return new Outcome(Decision.deny(ruleId, "OPA result for " + dataPath + " is null")
          .withAnnotations(annotations), true);
    }
    return new Outcome(ResultMapper.map(result, ruleId, annotations, knownProfiles), true);
  }

  /** A denial for a call that produced no evaluated answer. */
  public static Outcome failed(String reason, String ruleId, Map<String, String> annotations) {
    return new Outcome(Decision.deny(ruleId, reason).withAnnotations(annotations), false);
  }

  /** OPA's error body is {@code {"code": "...", "message": "..."}}; quote it, bounded. */
  private static String errorDetail(byte[] body) {
    if (body.length == 0 || body.length > MAX_ANSWER_BYTES) {
      return "";
    }
    try {
      JsonNode err = STRICT.readTree(body);
      if (err != null && err.isObject()) {
        String code = err.path("code").asText("");
        String message = err.path("message").asText("");
        String detail = code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message;
        return detail.isEmpty() ? "" : " (" + printable(detail) + ")";
      }
    } catch (IOException e) {
      // not OPA's error shape (a proxy's HTML page, say): the status alone is the reason
    }
    return "";
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_MESSAGE));
    for (int i = 0; i < s.length() && b.length() < MAX_MESSAGE; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return s.length() > MAX_MESSAGE ? b + "..." : b.toString();
  }
}

package dev.kubeguard.core.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code audit.k8s.io/v1 Event} JSON (ours or the cluster's) into an {@link AuditEvent}.
 * Duplicate keys are rejected, so a line cannot say two things at once. Stateless and
 * thread-safe; malformed input raises {@link IllegalArgumentException} naming what is wrong.
 */
final class EventJsonReader {

  static final ObjectMapper STRICT =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private EventJsonReader() {}

  /** Parses one event's JSON text. */
  public static AuditEvent read(String json) {
    return read(parseTree(json));
  }

  /** Parses JSON text into a tree, rejecting duplicate keys. */
  public static JsonNode parseTree(String json) {
    try {
      JsonNode node = STRICT.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Converts a parsed event object. */
  public static AuditEvent read(JsonNode n) {
    if (!"Event".equals(n.path("kind").asText()) || !"audit.k8s.io/v1".equals(n.path("apiVersion").asText())) {
      throw new IllegalArgumentException("not an audit.k8s.io/v1 Event (kind/apiVersion)");
    }
    return new AuditEvent(
        AuditLevel.parse(required(n, "level")),
        required(n, "auditID"),
        stage(required(n, "stage")),
        n.path("requestURI").asText(""),
        n.path("verb").asText(""),
        user(n.path("user"), "user"),
        n.hasNonNull("impersonatedUser") ? user(n.get("impersonatedUser"), "impersonatedUser") : null,
        strings(n.path("sourceIPs")),
        n.path("userAgent").asText(""),
        objectRef(n.get("objectRef")),
        responseStatus(n.get("responseStatus")),
        body(n.get("requestObject")),
        body(n.get("responseObject")),
        time(n, "requestReceivedTimestamp"),
        time(n, "stageTimestamp"),
        annotations(n.get("annotations")));
  }

  private static String required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException("event has no " + field);
    }
    return v.asText();
  }

  private static AuditEvent.Stage stage(String s) {
    try {
      return AuditEvent.Stage.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown stage '" + s + "'", e);
    }
  }

  private static Identity user(JsonNode u, String field) {
    String name = u.path("username").asText("");
    if (name.isBlank()) {
      throw new IllegalArgumentException("event has no " + field + ".username");
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    JsonNode x = u.path("extra");
    for (Map.Entry<String, JsonNode> e : x.properties()) {
      extra.put(e.getKey(), strings(e.getValue()));
    }
    return new Identity(name, u.path("uid").asText(""), strings(u.path("groups")), extra, "");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(v -> out.add(v.asText()));
    }
    return out;
  }

  private static AuditEvent.ObjectReference objectRef(JsonNode r) {
    if (r == null || r.isNull()) {
      return null;
    }
    return new AuditEvent.ObjectReference(
        r.path("resource").asText(""), r.path("namespace").asText(""), r.path("name").asText(""),
        r.path("uid").asText(""), r.path("apiGroup").asText(""), r.path("apiVersion").asText(""),
        r.path("resourceVersion").asText(""), r.path("subresource").asText(""));
  }

  private static AuditEvent.ResponseStatus responseStatus(JsonNode s) {
    if (s == null || s.isNull()) {
      return null;
    }
    return new AuditEvent.ResponseStatus(
        s.path("code").asInt(0), s.path("status").asText(""), s.path("reason").asText(""),
        s.path("message").asText(""));
  }

  /** A body embedded as a JSON string was not valid JSON when recorded: give back its text. */
  private static String body(JsonNode b) {
    if (b == null || b.isNull()) {
      return null;
    }
    return b.isTextual() ? b.textValue() : b.toString();
  }

  private static Instant time(JsonNode n, String field) {
    String t = required(n, field);
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + " is not an RFC 3339 time: '" + t + "'", e);
    }
  }

  private static Map<String, String> annotations(JsonNode a) {
    Map<String, String> out = new LinkedHashMap<>();
    if (a != null && a.isObject()) {
      a.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }
}

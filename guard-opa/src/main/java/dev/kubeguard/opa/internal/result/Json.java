package dev.kubeguard.opa.internal.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;

/** Small helpers for describing JSON values in denial reasons. Stateless and thread-safe. */
final class Json {

  /** Reasons quote at most this much of a malformed value. */
  private static final int MAX_SHOWN = 60;

  static final JsonNode TRUE = BooleanNode.TRUE;
  static final JsonNode FALSE = BooleanNode.FALSE;

  private Json() {}

  static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  /** "a string", "an object", ... */
  static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "an unsupported value";
    };
  }

  /** The value as JSON text, cut short, for a reason string. */
  static String show(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    String s = node.toString();
    return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
  }
}

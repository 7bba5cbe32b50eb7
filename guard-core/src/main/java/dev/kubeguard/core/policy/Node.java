package dev.kubeguard.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A place in a policy document and the value there (possibly absent), with strict typed readers
 * whose errors name the source, document, path and line. An explicit {@code null} reads as
 * absent, as Kubernetes treats it. Immutable in effect (its path string is built on first use);
 * used by one loading thread at a time.
 */
final class Node {
  private final PolicyDocument doc;
  private final JsonNode value;
  /** The node this one is a field or item of; {@code null} for a document's root. */
  private final Node parent;
  /** The field name under {@code parent}, or {@code null} for a list item. */
  private final String name;
  private final int index;
  /**
   * Built on first use: only errors need it, and building a path string for every field read
   * was a good part of loading a large policy. A racy cache of an immutable value, as
   * {@link String#hashCode} is.
   */
  private String path;

  /** A document's root. */
  Node(PolicyDocument doc, JsonNode value) {
    this(doc, value, null, null, -1);
    this.path = "";
  }

  private Node(PolicyDocument doc, JsonNode value, Node parent, String name, int index) {
    this.doc = doc;
    this.value = value == null || value.isNull() || value.isMissingNode() ? null : value;
    this.parent = parent;
    this.name = name;
    this.index = index;
  }

  public String path() {
    String p = path;
    if (p == null) {
      String up = parent.path();
      p = name != null ? (up.isEmpty() ? name : up + "." + name) : up + "[" + index + "]";
      path = p;
    }
    return p;
  }

  public PolicyDocument document() {
    return doc;
  }

  public boolean isMissing() {
    return value == null;
  }

  /** The field {@code name} of this object (absent when this is absent). */
  public Node get(String name) {
    return new Node(doc, value == null ? null : value.get(name), this, name, -1);
  }

  /** An error located at this place. */
  public PolicyLoadException error(String problem) {
    return new PolicyLoadException(doc.source(), doc.number(), path(), line(), problem);
  }

  /**
   * The line this place was read from: a field's key, a list item's value, the document's root;
   * a place that is not in the document (a missing field) is reported at its parent's line.
   */
  private int line() {
    if (parent == null) {
      return doc.rootLine();
    }
    JsonNode container = parent.value;
    int[] lines = container == null ? null : doc.linesOf(container);
    if (lines != null) {
      if (name == null) {
        if (container.isArray() && index < lines.length) {
          return lines[index];
        }
      } else if (container.isObject()) {
        Iterator<String> names = container.fieldNames();
        for (int i = 0; names.hasNext() && i < lines.length; i++) {
          if (names.next().equals(name)) {
            return lines[i];
          }
        }
      }
    }
    return parent.line();
  }

  /** Requires an object whose fields are all in {@code allowed}; absent is fine. */
  public Node requireFields(Set<String> allowed) throws PolicyLoadException {
    if (value == null) {
      return this;
    }
    if (!value.isObject()) {
      throw error("expected an object with fields " + sorted(allowed) + ", got " + describe(value));
    }
    Iterator<String> names = value.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw get(n).error("unknown field '" + n + "'; allowed here: " + String.join(", ", sorted(allowed)));
      }
    }
    return this;
  }

  /** Requires an object (absent is fine), any fields. */
  public Node requireObject() throws PolicyLoadException {
    if (value != null && !value.isObject()) {
      throw error("expected an object, got " + describe(value));
    }
    return this;
  }

  /** A required, non-empty string. */
  public String string() throws PolicyLoadException {
    if (value == null) {
      throw error("is required");
    }
    String s = stringOr(null);
    if (s.isEmpty()) {
      throw error("must not be empty");
    }
    return s;
  }

  /** A string, or {@code fallback} when absent. */
  public String stringOr(String fallback) throws PolicyLoadException {
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual()) {
      throw error("expected a string, got " + describe(value));
    }
    return value.asText();
  }

  /** An integer, or {@code fallback} when absent. */
  public int intOr(int fallback) throws PolicyLoadException {
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error("expected an integer, got " + describe(value));
    }
    return value.intValue();
  }

  /** The elements of a list (absent is an empty list). */
  public List<Node> items() throws PolicyLoadException {
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      throw error("expected a list, got " + describe(value));
    }
    List<Node> out = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      out.add(new Node(doc, value.get(i), this, null, i));
    }
    return out;
  }

  /** A list of strings (absent is an empty list); {@code null} elements are rejected. */
  public List<String> strings() throws PolicyLoadException {
    List<String> out = new ArrayList<>();
    for (Node item : items()) {
      if (item.value == null || !item.value.isTextual()) {
        throw item.error("expected a string, got " + describe(item.value));
      }
      out.add(item.value.asText());
    }
    return out;
  }

  /** A map of string to string (absent is empty). */
  public Map<String, String> stringMap() throws PolicyLoadException {
    requireObject();
    Map<String, String> out = new LinkedHashMap<>();
    if (value != null) {
      Iterator<String> names = value.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        out.put(n, get(n).stringOr(""));
      }
    }
    return out;
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "the string \"" + v.asText() + "\"";
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    if (v.isBoolean()) {
      return "the boolean " + v.asText();
    }
    if (v.isArray()) {
      return "a list";
    }
    return "an object";
  }
}

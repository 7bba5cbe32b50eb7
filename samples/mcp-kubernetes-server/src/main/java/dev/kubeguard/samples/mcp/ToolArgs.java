package dev.kubeguard.samples.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and validates one tool call's arguments. Every failure is a {@link ToolInputException}
 * whose message names the argument and says what a valid value looks like, so the agent can fix
 * its call; nothing is sent to Kubernetes until all arguments of a call are valid. Not
 * thread-safe; one per call.
 */
final class ToolArgs {
  /** A DNS-1123 label: namespaces, container names. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  /** A DNS-1123 subdomain: most object names. */
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,62}");
  private static final Pattern API_VERSION = Pattern.compile("([a-z0-9.-]{1,253}/)?v[0-9]+((alpha|beta)[0-9]+)?");

  private final Map<String, Object> args;

  ToolArgs(Map<String, Object> args) {
    this.args = args == null ? Map.of() : args;
  }

  /** A required object name ({@code key}). */
  String name(String key) {
    String v = requiredString(key);
    if (v.length() > 253 || !SUBDOMAIN.matcher(v).matches()) {
      throw new ToolInputException(
          "\"" + key + "\" must be a Kubernetes object name: lower-case letters, digits, '-' and '.',"
              + " starting and ending with a letter or digit, at most 253 characters; got \"" + shorten(v) + "\"");
    }
    return v;
  }

  /** A required namespace. */
  String namespace() {
    String v = optionalNamespace();
    if (v == null) {
      throw new ToolInputException("\"namespace\" is required here; call list_namespaces to see which exist");
    }
    return v;
  }

  /** The namespace, or {@code null} when not given. */
  String optionalNamespace() {
    return optionalLabel("namespace");
  }

  /** An optional DNS-1123 label such as a container name, or {@code null}. */
  String optionalLabel(String key) {
    String v = optionalString(key);
    if (v == null) {
      return null;
    }
    if (v.length() > 63 || !LABEL.matcher(v).matches()) {
      throw new ToolInputException(
          "\"" + key + "\" must be lower-case letters, digits and '-', at most 63 characters; got \""
              + shorten(v) + "\"");
    }
    return v;
  }

  /** A required kind, plural or short name ({@code Deployment}, {@code deployments}, {@code deploy}). */
  String kind() {
    String v = requiredString("kind");
    if (!KIND.matcher(v).matches()) {
      throw new ToolInputException("\"kind\" must be a resource kind such as Pod, Secret or Deployment; got \"" + shorten(v) + "\"");
    }
    return v;
  }

  /** An optional apiVersion ({@code v1}, {@code apps/v1}), or {@code null}. */
  String optionalApiVersion() {
    String v = optionalString("apiVersion");
    if (v != null && !API_VERSION.matcher(v).matches()) {
      throw new ToolInputException("\"apiVersion\" must look like v1 or apps/v1; got \"" + shorten(v) + "\"");
    }
    return v;
  }

  /** An integer in {@code [min, max]}, {@code fallback} when absent. */
  int integer(String key, int min, int max, Integer fallback) {
    Object v = args.get(key);
    if (v == null) {
      if (fallback == null) {
        throw new ToolInputException("\"" + key + "\" is required: an integer from " + min + " to " + max);
      }
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < min || n.longValue() > max) {
      throw new ToolInputException("\"" + key + "\" must be an integer from " + min + " to " + max + "; got " + shorten(String.valueOf(v)));
    }
    return n.intValue();
  }

  /** A required non-empty list of non-empty strings (a command line), at most {@code maxItems}. */
  List<String> command(String key, int maxItems) {
    Object v = args.get(key);
    if (!(v instanceof List<?> list) || list.isEmpty() || list.size() > maxItems) {
      throw new ToolInputException(
          "\"" + key + "\" must be an array of 1 to " + maxItems + " strings, the program and its arguments,"
              + " e.g. [\"ls\", \"-l\", \"/\"] (no shell is implied)");
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isEmpty() || s.length() > 4096) {
        throw new ToolInputException("every item of \"" + key + "\" must be a non-empty string of at most 4096 characters");
      }
      out.add(s);
    }
    return out;
  }

  /** An optional string of at most 512 characters, or {@code null}. */
  String optionalText(String key) {
    String v = optionalString(key);
    if (v != null && v.length() > 512) {
      throw new ToolInputException("\"" + key + "\" is too long: at most 512 characters");
    }
    return v;
  }

  /** A required string of at most {@code maxChars}. */
  String text(String key, int maxChars) {
    String v = requiredString(key);
    if (v.length() > maxChars) {
      throw new ToolInputException("\"" + key + "\" is too long: at most " + maxChars + " characters");
    }
    return v;
  }

  /** An optional value from {@code allowed}, {@code fallback} when absent. */
  String oneOf(String key, List<String> allowed, String fallback) {
    String v = optionalString(key);
    if (v == null) {
      return fallback;
    }
    if (!allowed.contains(v)) {
      throw new ToolInputException("\"" + key + "\" must be one of " + allowed + "; got \"" + shorten(v) + "\"");
    }
    return v;
  }

  private String requiredString(String key) {
    String v = optionalString(key);
    if (v == null) {
      throw new ToolInputException("\"" + key + "\" is required");
    }
    return v;
  }

  private String optionalString(String key) {
    Object v = args.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ToolInputException("\"" + key + "\" must be a string");
    }
    return s.isBlank() ? null : s.strip();
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}

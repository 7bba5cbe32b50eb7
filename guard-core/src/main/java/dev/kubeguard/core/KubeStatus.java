package dev.kubeguard.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.kubeguard.api.Attributes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Builds {@code v1 Status} bodies exactly as kube-apiserver writes them, so every Kubernetes
 * client raises its usual error for a KubeGuard denial.
 *
 * <p>Stateless and thread-safe. Messages follow kube-apiserver's own wording
 * ({@code responsewriters.forbiddenMessage} + {@code errors.NewForbidden}) with KubeGuard's
 * reason appended, as the apiserver appends an authorizer's reason.
 */
final class KubeStatus {

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * A 403 Forbidden Status for {@code user} asking {@code attributes}, with {@code reason}
   * appended: {@code secrets "db" is forbidden: User "bob" cannot get resource "secrets" in API
   * group "" in the namespace "shop": <reason>}.
   */
  public static byte[] forbidden(String user, Attributes attributes, String reason) {
    String message = forbiddenMessage(user, attributes, reason);
    String group = attributes.isResourceRequest() ? attributes.apiGroup() : "";
    String kind = attributes.isResourceRequest() ? attributes.resource() : "";
    return status(403, "Forbidden", message, group, kind, attributes.isResourceRequest() ? attributes.name() : "");
  }

  /** The message part of {@link #forbidden}, for logs and exceptions. */
  public static String forbiddenMessage(String user, Attributes a, String reason) {
    String why;
    if (!a.isResourceRequest()) {
      why = String.format("User %s cannot %s path %s", quote(user), a.verb(), quote(a.path()));
    } else if (!a.namespace().isEmpty()) {
      why = String.format("User %s cannot %s resource %s in API group %s in the namespace %s",
          quote(user), a.verb(), quote(a.combinedResource()), quote(a.apiGroup()), quote(a.namespace()));
    } else {
      why = String.format("User %s cannot %s resource %s in API group %s at the cluster scope",
          quote(user), a.verb(), quote(a.combinedResource()), quote(a.apiGroup()));
    }
    if (reason != null && !reason.isEmpty()) {
      why = why + ": " + reason;
    }
    if (!a.isResourceRequest() || a.resource().isEmpty()) {
      return "forbidden: " + why;
    }
    String qualified = a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
    return a.name().isEmpty()
        ? qualified + " is forbidden: " + why
        : qualified + " " + quote(a.name()) + " is forbidden: " + why;
  }

  /**
   * A 422 Invalid Status, as kube-apiserver answers a write that fails validation:
   * {@code secrets "db" is invalid: data.password: <reason>}, with a cause per field
   * ({@code FieldValueInvalid}; one cause without a field when none could be named).
   */
  public static byte[] invalid(Attributes a, List<String> fields, String reason) {
    String message = invalidMessage(a, fields, reason);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + message.length());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("kind", "Status");
      g.writeStringField("apiVersion", "v1");
      g.writeObjectFieldStart("metadata");
      g.writeEndObject();
      g.writeStringField("status", "Failure");
      g.writeStringField("message", message);
      g.writeStringField("reason", "Invalid");
      g.writeObjectFieldStart("details");
      if (a.isResourceRequest() && !a.name().isEmpty()) g.writeStringField("name", a.name());
      if (a.isResourceRequest() && !a.apiGroup().isEmpty()) g.writeStringField("group", a.apiGroup());
      if (a.isResourceRequest() && !a.resource().isEmpty()) g.writeStringField("kind", a.resource());
      g.writeArrayFieldStart("causes");
      for (String f : fields.isEmpty() ? List.of("") : fields) {
        g.writeStartObject();
        g.writeStringField("reason", "FieldValueInvalid");
        g.writeStringField("message", "Invalid value: " + reason);
        if (!f.isEmpty()) g.writeStringField("field", f);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeNumberField("code", 422);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen writing to memory
    }
    return out.toByteArray();
  }

  /** The message part of {@link #invalid}: {@code secrets "db" is invalid: data.password: <reason>}. */
  public static String invalidMessage(Attributes a, List<String> fields, String reason) {
    String what;
    if (a.isResourceRequest() && !a.resource().isEmpty()) {
      String qualified = a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
      what = a.name().isEmpty() ? qualified : qualified + " " + quote(a.name());
    } else {
      what = "the request";
    }
    String where = fields.isEmpty() ? "" : (fields.size() == 1 ? fields.get(0) : "[" + String.join(", ", fields) + "]") + ": ";
    return what + " is invalid: " + where + reason;
  }

  /** A 500 InternalError Status, used when a response body had to be withheld. */
  public static byte[] internalError(String message) {
    return status(500, "InternalError", message, "", "", "");
  }

  /** A Status with the given code, reason and message, and details when any detail is non-empty. */
  public static byte[] status(int code, String reason, String message, String group, String kind, String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + message.length());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("kind", "Status");
      g.writeStringField("apiVersion", "v1");
      g.writeObjectFieldStart("metadata");
      g.writeEndObject();
      g.writeStringField("status", "Failure");
      g.writeStringField("message", message);
      g.writeStringField("reason", reason);
      if (!group.isEmpty() || !kind.isEmpty() || !name.isEmpty()) {
        g.writeObjectFieldStart("details");
        if (!name.isEmpty()) g.writeStringField("name", name);
        if (!group.isEmpty()) g.writeStringField("group", group);
        if (!kind.isEmpty()) g.writeStringField("kind", kind);
        g.writeEndObject();
      }
      g.writeNumberField("code", code);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen writing to memory
    }
    return out.toByteArray();
  }

  // Go's %q for the strings that reach here: quotes and backslash-escapes, like strconv.Quote.
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private KubeStatus() {}
}

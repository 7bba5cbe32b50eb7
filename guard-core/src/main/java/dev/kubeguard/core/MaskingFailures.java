package dev.kubeguard.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * What a caller gets instead of a body the masker could not vouch for: a Kubernetes
 * {@code v1 Status} with {@code reason: InternalError}, {@code code: 500}, so every Kubernetes
 * client raises its usual error. Stateless and thread-safe.
 */
public final class MaskingFailures {

  private static final JsonFactory JSON = new JsonFactory();

  private MaskingFailures() {}

  /**
   * The UTF-8 bytes of {@code {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
   * "message":<message>,"reason":"InternalError","code":500}}. The message is JSON-escaped; it
   * must not contain body content (the masker's own messages never do).
   */
  public static byte[] statusBody(String message) {
    Objects.requireNonNull(message, "message");
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("kind", "Status");
      g.writeStringField("apiVersion", "v1");
      g.writeObjectFieldStart("metadata");
      g.writeEndObject();
      g.writeStringField("status", "Failure");
      g.writeStringField("message", message);
      g.writeStringField("reason", "InternalError");
      g.writeNumberField("code", 500);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

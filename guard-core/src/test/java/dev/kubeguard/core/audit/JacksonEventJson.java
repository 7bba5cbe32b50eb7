package dev.kubeguard.core.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Identity;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The oracle for {@link EventJsonWriter}: the same audit line written entirely through Jackson's
 * {@link JsonGenerator}, as {@code EventJsonWriter} did up to 91b8172.
 * {@code EventJsonWriterTest} requires the two to give the same bytes for any event, so lines
 * written before and after that change hash alike and Jackson's escaping stays the reference.
 */
final class JacksonEventJson {

  private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

  /** An event written up to and including its annotation entries, the annotations object left open. */

  private JacksonEventJson() {}

  /** The complete event as compact JSON bytes (UTF-8), without a trailing newline. */
  public static byte[] write(AuditEvent event) {
    ExactBytes out = new ExactBytes();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writeHead(g, event);
      Map<String, String> annotations = new TreeMap<>(event.annotations());
      if (!annotations.isEmpty()) {
        g.writeObjectFieldStart("annotations");
        for (Map.Entry<String, String> e : annotations.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.bytes();
  }

  /**
   * The event up to its last annotation entry, with {@code "annotations":{} } opened but not closed,
   * so the chain writer can append its own entries and close both objects.
   */
  public static EventJsonWriter.OpenEvent writeOpen(AuditEvent event) {
    ExactBytes out = new ExactBytes();
    boolean any = false;
    // With AUTO_CLOSE_JSON_CONTENT off, close() flushes without writing the two closing braces.
    try (JsonGenerator g = FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)) {
      writeHead(g, event);
      g.writeObjectFieldStart("annotations");
      Map<String, String> annotations = event.annotations();
      // Sorted as a TreeMap would (String.compareTo), without building one per event.
      String[] keys = annotations.keySet().toArray(new String[0]);
      Arrays.sort(keys);
      for (String key : keys) {
        if (!ChainLine.RESERVED_KEYS.contains(key)) {
          g.writeStringField(key, annotations.get(key));
          any = true;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EventJsonWriter.OpenEvent(out.bytes(), any);
  }

  /**
   * The generator's output as one exactly sized array. The generator buffers up to 8,000 bytes
   * and hands them over in one write at close, so a usual event is copied once here, not into a
   * growing buffer and then again into a trimmed copy; a larger one (bodies at RequestResponse)
   * grows by doubling and is trimmed once.
   */
  private static final class ExactBytes extends OutputStream {
    private static final byte[] NONE = new byte[0];
    private byte[] bytes = NONE;
    private int count;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (count + len > bytes.length) {
        bytes = Arrays.copyOf(bytes, count == 0 ? len : Math.max(bytes.length * 2, count + len));
      }
      System.arraycopy(b, off, bytes, count, len);
      count += len;
    }

    byte[] bytes() {
      return count == bytes.length ? bytes : Arrays.copyOf(bytes, count);
    }
  }

  private static void writeHead(JsonGenerator g, AuditEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("kind", "Event");
    g.writeStringField("apiVersion", "audit.k8s.io/v1");
    g.writeStringField("level", e.level().wireName());
    g.writeStringField("auditID", e.auditId());
    g.writeStringField("stage", e.stage().name());
    g.writeStringField("requestURI", e.requestUri());
    g.writeStringField("verb", e.verb());
    g.writeFieldName("user");
    writeUser(g, e.user());
    if (e.impersonatedUser() != null) {
      g.writeFieldName("impersonatedUser");
      writeUser(g, e.impersonatedUser());
    }
    writeStrings(g, "sourceIPs", e.sourceIps());
    optional(g, "userAgent", e.userAgent());
    AuditEvent.ObjectReference ref = e.objectRef();
    if (ref != null) {
      g.writeObjectFieldStart("objectRef");
      optional(g, "resource", ref.resource());
      optional(g, "namespace", ref.namespace());
      optional(g, "name", ref.name());
      optional(g, "uid", ref.uid());
      optional(g, "apiGroup", ref.apiGroup());
      optional(g, "apiVersion", ref.apiVersion());
      optional(g, "resourceVersion", ref.resourceVersion());
      optional(g, "subresource", ref.subresource());
      g.writeEndObject();
    }
    AuditEvent.ResponseStatus status = e.responseStatus();
    if (status != null) {
      // metav1.Status field order; its ListMeta is a struct, which omitempty never omits.
      g.writeObjectFieldStart("responseStatus");
      g.writeObjectFieldStart("metadata");
      g.writeEndObject();
      optional(g, "status", status.status());
      optional(g, "message", status.message());
      optional(g, "reason", status.reason());
      if (status.code() != 0) {
        g.writeNumberField("code", status.code());
      }
      g.writeEndObject();
    }
    writeBody(g, "requestObject", e.requestObject());
    writeBody(g, "responseObject", e.responseObject());
    writeMicroTime(g, "requestReceivedTimestamp", e.requestReceivedTimestamp());
    writeMicroTime(g, "stageTimestamp", e.stageTimestamp());
  }

  private static void writeUser(JsonGenerator g, Identity user) throws IOException {
    g.writeStartObject();
    optional(g, "username", user.user());
    optional(g, "uid", user.uid());
    writeStrings(g, "groups", user.groups());
    if (!user.extra().isEmpty()) {
      g.writeObjectFieldStart("extra");
      for (Map.Entry<String, List<String>> x : new TreeMap<>(user.extra()).entrySet()) {
        g.writeArrayFieldStart(x.getKey());
        for (String v : x.getValue()) {
          g.writeString(v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * Embeds a body as raw JSON (re-encoded compactly, so the line stays one line) when it is one
   * valid JSON value, else as a JSON string.
   */
  private static void writeBody(JsonGenerator g, String field, String body) throws IOException {
    if (body == null) {
      return;
    }
    g.writeFieldName(field);
    TokenBuffer parsed = parseSingleValue(body);
    if (parsed == null) {
      g.writeString(body);
    } else {
      parsed.serialize(g);
    }
  }

  private static TokenBuffer parseSingleValue(String body) {
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() == null) {
        return null;
      }
      TokenBuffer buffer = new TokenBuffer(p);
      buffer.copyCurrentStructure(p);
      JsonToken trailing = p.nextToken();
      return trailing == null ? buffer : null;
    } catch (IOException malformed) {
      return null;
    }
  }

  private static void optional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null && !value.isEmpty()) {
      g.writeStringField(field, value);
    }
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /**
   * The formatter's text for every instant: the oracle does not share EventJsonWriter's
   * hand-written digits (EventJsonWriterTest holds those to the formatter on their own).
   */
  private static void writeMicroTime(JsonGenerator g, String field, Instant t) throws IOException {
    g.writeStringField(field, EventJsonWriter.microTime(t));
  }
}

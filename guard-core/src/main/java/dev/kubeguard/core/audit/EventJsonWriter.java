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
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an {@link AuditEvent} as one line of {@code audit.k8s.io/v1 Event} JSON: fields in the
 * order of the Go struct, empty fields omitted as Go's {@code omitempty} omits them, annotations
 * last and sorted by key, no whitespace. The output is deterministic: the same event always gives
 * the same bytes, which is what the audit chain hashes.
 *
 * <p>The fields are written straight as bytes ({@link JsonLineBytes}, escaped as Jackson escapes);
 * only a request or response body is re-encoded through Jackson. Thread-safe: each thread writes
 * into its own scratch buffer and gets its own copy. Chain annotations ({@link ChainLine#RESERVED_KEYS}) carried by the
 * event are dropped in the "open" form, because the chain writer appends its own.
 */
final class EventJsonWriter {

  /** Kubernetes' {@code metav1.MicroTime} encoding: RFC 3339, six fractional digits, UTC. */
  public static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  /** An event written up to and including its annotation entries, the annotations object left open. */
  public record OpenEvent(byte[] prefix, boolean hasAnnotations) {}

  private EventJsonWriter() {}

  /** The complete event as compact JSON bytes (UTF-8), without a trailing newline. */
  public static byte[] write(AuditEvent event) {
    JsonLineBytes out = scratch();
    writeHead(out, event);
    Map<String, String> annotations = event.annotations();
    if (!annotations.isEmpty()) {
      out.name("annotations").startObject();
      for (String key : sortedKeys(annotations)) {
        out.name(key).string(annotations.get(key));
      }
      out.endObject();
    }
    out.endObject();
    return done(out);
  }

  /**
   * The event up to its last annotation entry, with {@code "annotations":{} } opened but not closed,
   * so the chain writer can append its own entries and close both objects.
   */
  public static OpenEvent writeOpen(AuditEvent event) {
    JsonLineBytes out = scratch();
    boolean any = false;
    writeHead(out, event);
    out.name("annotations").startObject();
    Map<String, String> annotations = event.annotations();
    for (String key : sortedKeys(annotations)) {
      if (!ChainLine.RESERVED_KEYS.contains(key)) {
        out.name(key).string(annotations.get(key));
        any = true;
      }
    }
    return new OpenEvent(done(out), any);
  }

  /** Sorted as a TreeMap would (String.compareTo), without building one per event. */
  private static String[] sortedKeys(Map<String, String> annotations) {
    String[] keys = annotations.keySet().toArray(new String[0]);
    Arrays.sort(keys);
    return keys;
  }

  // A line is written into the thread's scratch writer and copied out once, exactly sized; a
  // writer grown by a large body is not kept.
  private static final int SCRATCH_BYTES = 4096;
  private static final ThreadLocal<JsonLineBytes> SCRATCH =
      ThreadLocal.withInitial(() -> new JsonLineBytes(SCRATCH_BYTES));

  private static JsonLineBytes scratch() {
    JsonLineBytes out = SCRATCH.get();
    out.reset(SCRATCH_BYTES * 4);
    return out;
  }

  private static byte[] done(JsonLineBytes out) {
    byte[] line = out.toBytes();
    out.reset(SCRATCH_BYTES * 4);
    return line;
  }

  private static void writeHead(JsonLineBytes g, AuditEvent e) {
    g.startObject();
    g.name("kind").string("Event");
    g.name("apiVersion").string("audit.k8s.io/v1");
    g.name("level").string(e.level().wireName());
    g.name("auditID").string(e.auditId());
    g.name("stage").string(e.stage().name());
    g.name("requestURI").string(e.requestUri());
    g.name("verb").string(e.verb());
    g.name("user");
    writeUser(g, e.user());
    if (e.impersonatedUser() != null) {
      g.name("impersonatedUser");
      writeUser(g, e.impersonatedUser());
    }
    writeStrings(g, "sourceIPs", e.sourceIps());
    optional(g, "userAgent", e.userAgent());
    AuditEvent.ObjectReference ref = e.objectRef();
    if (ref != null) {
      g.name("objectRef").startObject();
      optional(g, "resource", ref.resource());
      optional(g, "namespace", ref.namespace());
      optional(g, "name", ref.name());
      optional(g, "uid", ref.uid());
      optional(g, "apiGroup", ref.apiGroup());
      optional(g, "apiVersion", ref.apiVersion());
      optional(g, "resourceVersion", ref.resourceVersion());
      optional(g, "subresource", ref.subresource());
      g.endObject();
    }
    AuditEvent.ResponseStatus status = e.responseStatus();
    if (status != null) {
      // metav1.Status field order; its ListMeta is a struct, which omitempty never omits.
      g.name("responseStatus").startObject();
      g.name("metadata").startObject().endObject();
      optional(g, "status", status.status());
      optional(g, "message", status.message());
      optional(g, "reason", status.reason());
      if (status.code() != 0) {
        g.name("code").number(status.code());
      }
      g.endObject();
    }
    writeBody(g, "requestObject", e.requestObject());
    writeBody(g, "responseObject", e.responseObject());
    writeMicroTime(g, "requestReceivedTimestamp", e.requestReceivedTimestamp());
    writeMicroTime(g, "stageTimestamp", e.stageTimestamp());
  }

  private static void writeUser(JsonLineBytes g, Identity user) {
    g.startObject();
    optional(g, "username", user.user());
    optional(g, "uid", user.uid());
    writeStrings(g, "groups", user.groups());
    if (!user.extra().isEmpty()) {
      g.name("extra").startObject();
      for (Map.Entry<String, List<String>> x : new TreeMap<>(user.extra()).entrySet()) {
        g.name(x.getKey()).startArray();
        for (String v : x.getValue()) {
          g.string(v);
        }
        g.endArray();
      }
      g.endObject();
    }
    g.endObject();
  }

  /**
   * Embeds a body as raw JSON (re-encoded compactly by Jackson, so the line stays one line) when it
   * is one valid JSON value, else as a JSON string.
   */
  private static void writeBody(JsonLineBytes g, String field, String body) {
    if (body == null) {
      return;
    }
    g.name(field);
    TokenBuffer parsed = parseSingleValue(body);
    if (parsed == null) {
      g.string(body);
      return;
    }
    try (JsonGenerator jg = FACTORY.createGenerator(g.rawValueStream())) {
      parsed.serialize(jg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  private static void optional(JsonLineBytes g, String field, String value) {
    if (value != null && !value.isEmpty()) {
      g.name(field).string(value);
    }
  }

  private static void writeStrings(JsonLineBytes g, String field, List<String> values) {
    if (values.isEmpty()) {
      return;
    }
    g.name(field).startArray();
    for (String v : values) {
      g.string(v);
    }
    g.endArray();
  }

  /**
   * Writes {@link #MICRO_TIME}'s text for {@code t} without going through the formatter (two per
   * event, and the formatter dominated the timestamp cost); years outside 1-9999, which the
   * pattern prints differently, take the formatter.
   */
  private static void writeMicroTime(JsonLineBytes g, String field, Instant t) {
    long epochSecond = t.getEpochSecond();
    LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L));
    int year = day.getYear();
    g.name(field);
    if (year < 1 || year > 9999) {
      g.string(MICRO_TIME.format(t));
      return;
    }
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    byte[] c = new byte[27];
    digits(c, 0, year, 4);
    c[4] = '-';
    digits(c, 5, day.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, day.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, secondOfDay / 3600, 2);
    c[13] = ':';
    digits(c, 14, secondOfDay / 60 % 60, 2);
    c[16] = ':';
    digits(c, 17, secondOfDay % 60, 2);
    c[19] = '.';
    digits(c, 20, t.getNano() / 1000, 6);
    c[26] = 'Z';
    g.plainString(c);
  }

  private static void digits(byte[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /** Formats an instant as Kubernetes' MicroTime does. */
  public static String microTime(Instant instant) {
    return MICRO_TIME.format(instant);
  }
}

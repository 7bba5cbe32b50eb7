package dev.kubeguard.core.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.internal.SharedSlots;
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
 * only a request or response body is re-encoded through Jackson. Thread-safe: each call writes
 * into a spare writer no other call holds and gets its own copy (or the writer's bytes, lent).
 * Chain annotations ({@link ChainLine#RESERVED_KEYS}) carried by the event are dropped in the
 * "open" form, because the chain writer appends its own.
 */
final class EventJsonWriter {

  // Kubernetes' metav1.MicroTime encoding (RFC 3339, six fractional digits, UTC): some 45 classes
  // to load, for what writeMicroTime writes itself but for years outside 1-9999.
  private static final class MicroTime {
    static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  }

  /**
   * Jackson, made when first needed (a body kept at level Request or above, a checkpoint): most
   * events have neither, and making a mapper loaded some 300 classes into a Guard's first call.
   */
  static final class Jackson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonFactory FACTORY = MAPPER.getFactory();

    private Jackson() {}
  }

  // Every fixed name and value of a line, encoded once.
  private static final byte[] ANNOTATIONS = JsonLineBytes.encodedName("annotations");
  private static final byte[] API_GROUP = JsonLineBytes.encodedName("apiGroup");
  private static final byte[] API_VERSION = JsonLineBytes.encodedName("apiVersion");
  private static final byte[] AUDIT_ID = JsonLineBytes.encodedName("auditID");
  private static final byte[] CODE = JsonLineBytes.encodedName("code");
  private static final byte[] EXTRA = JsonLineBytes.encodedName("extra");
  private static final byte[] GROUPS = JsonLineBytes.encodedName("groups");
  private static final byte[] IMPERSONATED_USER = JsonLineBytes.encodedName("impersonatedUser");
  private static final byte[] KIND = JsonLineBytes.encodedName("kind");
  private static final byte[] LEVEL = JsonLineBytes.encodedName("level");
  private static final byte[] MESSAGE = JsonLineBytes.encodedName("message");
  private static final byte[] METADATA = JsonLineBytes.encodedName("metadata");
  private static final byte[] NAME = JsonLineBytes.encodedName("name");
  private static final byte[] NAMESPACE = JsonLineBytes.encodedName("namespace");
  private static final byte[] OBJECT_REF = JsonLineBytes.encodedName("objectRef");
  private static final byte[] REASON = JsonLineBytes.encodedName("reason");
  private static final byte[] REQUEST_OBJECT = JsonLineBytes.encodedName("requestObject");
  private static final byte[] REQUEST_RECEIVED_TIMESTAMP = JsonLineBytes.encodedName("requestReceivedTimestamp");
  private static final byte[] REQUEST_URI = JsonLineBytes.encodedName("requestURI");
  private static final byte[] RESOURCE = JsonLineBytes.encodedName("resource");
  private static final byte[] RESOURCE_VERSION = JsonLineBytes.encodedName("resourceVersion");
  private static final byte[] RESPONSE_OBJECT = JsonLineBytes.encodedName("responseObject");
  private static final byte[] RESPONSE_STATUS = JsonLineBytes.encodedName("responseStatus");
  private static final byte[] SOURCE_IPS = JsonLineBytes.encodedName("sourceIPs");
  private static final byte[] STAGE = JsonLineBytes.encodedName("stage");
  private static final byte[] STAGE_TIMESTAMP = JsonLineBytes.encodedName("stageTimestamp");
  private static final byte[] STATUS = JsonLineBytes.encodedName("status");
  private static final byte[] SUBRESOURCE = JsonLineBytes.encodedName("subresource");
  private static final byte[] UID = JsonLineBytes.encodedName("uid");
  private static final byte[] USER = JsonLineBytes.encodedName("user");
  private static final byte[] USER_AGENT = JsonLineBytes.encodedName("userAgent");
  private static final byte[] USERNAME = JsonLineBytes.encodedName("username");
  private static final byte[] VERB = JsonLineBytes.encodedName("verb");
  private static final byte[] EVENT = JsonLineBytes.encodedString("Event");
  private static final byte[] AUDIT_V1 = JsonLineBytes.encodedString("audit.k8s.io/v1");
  private static final byte[][] LEVELS =
      Arrays.stream(AuditLevel.values()).map(l -> JsonLineBytes.encodedString(l.wireName())).toArray(byte[][]::new);
  private static final byte[][] STAGES =
      Arrays.stream(AuditEvent.Stage.values()).map(t -> JsonLineBytes.encodedString(t.name())).toArray(byte[][]::new);

  /**
   * An event written up to and including its annotation entries, the annotations object left
   * open: {@code prefix[0, length)}.
   */
  public record OpenEvent(byte[] prefix, int length, boolean hasAnnotations, JsonLineBytes lender) {
    public OpenEvent(byte[] prefix, boolean hasAnnotations) {
      this(prefix, prefix.length, hasAnnotations, null);
    }
  }

  private EventJsonWriter() {}

  /** The complete event as compact JSON bytes (UTF-8), without a trailing newline. */
  public static byte[] write(AuditEvent event) {
    JsonLineBytes out = scratch();
    writeHead(out, event);
    if (!event.annotations().isEmpty()) {
      out.name(ANNOTATIONS).startObject();
      writeAnnotations(out, event.annotations(), false);
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
    boolean any = writeOpenInto(out, event);
    return new OpenEvent(done(out), any);
  }

  /**
   * {@link #writeOpen} into a spare writer, whose bytes are lent instead of copied (a copy was half
   * of what recording an exchange allocated). The caller hands them back with {@link #giveBack}
   * once it knows the line was written; one that returns before knowing (a timeout, any failure)
   * just drops them, so that the line still queued keeps them.
   */
  static OpenEvent writeOpenLent(AuditEvent event) {
    JsonLineBytes out = scratch();
    boolean any = writeOpenInto(out, event);
    return new OpenEvent(out.array(), out.length(), any, out);
  }

  /** Takes back the writer of a line {@link #writeOpenLent} lent, now written: nothing reads it any more. */
  static void giveBack(OpenEvent lent) {
    if (lent.lender() != null) {
      recycle(lent.lender());
    }
  }

  /** The event up to its last annotation entry into {@code out}; whether it had any annotation. */
  private static boolean writeOpenInto(JsonLineBytes out, AuditEvent event) {
    writeHead(out, event);
    out.name(ANNOTATIONS).startObject();
    return writeAnnotations(out, event.annotations(), true);
  }

  /**
   * The annotation entries sorted by key as a TreeMap would (String.compareTo), without building
   * one per event; the chain's own keys left out when {@code dropChainKeys}. Whether any was written.
   */
  private static boolean writeAnnotations(JsonLineBytes out, Map<String, String> annotations, boolean dropChainKeys) {
    if (onlyStandardKeys(annotations)) {
      // the usual event: its keys are among the standard ones, whose order is known, so neither
      // a key array nor a sort is made for it (none of them is a chain key)
      for (String key : AuditEvents.Builder.STANDARD_KEYS_SORTED) {
        String value = annotations.get(key);
        if (value != null) {
          out.name(key).string(value);
        }
      }
      return !annotations.isEmpty();
    }
    String[] keys = annotations.keySet().toArray(new String[0]);
    Arrays.sort(keys);
    boolean any = false;
    for (String key : keys) {
      if (!dropChainKeys || !ChainLine.RESERVED_KEYS.contains(key)) {
        out.name(key).string(annotations.get(key));
        any = true;
      }
    }
    return any;
  }

  private static boolean onlyStandardKeys(Map<String, String> annotations) {
    int found = 0;
    for (String key : AuditEvents.Builder.STANDARD_KEYS_SORTED) {
      if (annotations.containsKey(key)) {
        found++;
      }
    }
    return found == annotations.size();
  }

  // A line is written into a spare writer (shared by all threads: a thread made per request would
  // otherwise make its own every time) and copied out once, exactly sized, or lent; a writer
  // grown by a large body is not kept.
  private static final int SCRATCH_BYTES = 4096;
  private static final SharedSlots<JsonLineBytes> SPARE = new SharedSlots<>(8);

  private static JsonLineBytes scratch() {
    JsonLineBytes out = SPARE.take();
    return out != null ? out : new JsonLineBytes(SCRATCH_BYTES);
  }

  private static byte[] done(JsonLineBytes out) {
    byte[] line = out.toBytes();
    recycle(out);
    return line;
  }

  private static void recycle(JsonLineBytes out) {
    out.reset(SCRATCH_BYTES * 4);
    SPARE.give(out);
  }

  private static void writeHead(JsonLineBytes g, AuditEvent e) {
    g.startObject();
    g.name(KIND).encodedString(EVENT);
    g.name(API_VERSION).encodedString(AUDIT_V1);
    g.name(LEVEL).encodedString(LEVELS[e.level().ordinal()]);
    g.name(AUDIT_ID).string(e.auditId());
    g.name(STAGE).encodedString(STAGES[e.stage().ordinal()]);
    g.name(REQUEST_URI).string(e.requestUri());
    g.name(VERB).string(e.verb());
    g.name(USER);
    writeUser(g, e.user());
    if (e.impersonatedUser() != null) {
      g.name(IMPERSONATED_USER);
      writeUser(g, e.impersonatedUser());
    }
    writeStrings(g, SOURCE_IPS, e.sourceIps());
    optional(g, USER_AGENT, e.userAgent());
    AuditEvent.ObjectReference ref = e.objectRef();
    if (ref != null) {
      g.name(OBJECT_REF).startObject();
      optional(g, RESOURCE, ref.resource());
      optional(g, NAMESPACE, ref.namespace());
      optional(g, NAME, ref.name());
      optional(g, UID, ref.uid());
      optional(g, API_GROUP, ref.apiGroup());
      optional(g, API_VERSION, ref.apiVersion());
      optional(g, RESOURCE_VERSION, ref.resourceVersion());
      optional(g, SUBRESOURCE, ref.subresource());
      g.endObject();
    }
    AuditEvent.ResponseStatus status = e.responseStatus();
    if (status != null) {
      // metav1.Status field order; its ListMeta is a struct, which omitempty never omits.
      g.name(RESPONSE_STATUS).startObject();
      g.name(METADATA).startObject().endObject();
      optional(g, STATUS, status.status());
      optional(g, MESSAGE, status.message());
      optional(g, REASON, status.reason());
      if (status.code() != 0) {
        g.name(CODE).number(status.code());
      }
      g.endObject();
    }
    writeBody(g, REQUEST_OBJECT, e.requestObject());
    writeBody(g, RESPONSE_OBJECT, e.responseObject());
    writeMicroTime(g, REQUEST_RECEIVED_TIMESTAMP, e.requestReceivedTimestamp());
    writeMicroTime(g, STAGE_TIMESTAMP, e.stageTimestamp());
  }

  private static void writeUser(JsonLineBytes g, Identity user) {
    g.startObject();
    optional(g, USERNAME, user.user());
    optional(g, UID, user.uid());
    writeStrings(g, GROUPS, user.groups());
    if (!user.extra().isEmpty()) {
      g.name(EXTRA).startObject();
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
  private static void writeBody(JsonLineBytes g, byte[] field, String body) {
    if (body == null) {
      return;
    }
    g.name(field);
    TokenBuffer parsed = parseSingleValue(body);
    if (parsed == null) {
      g.string(body);
      return;
    }
    try (JsonGenerator jg = Jackson.FACTORY.createGenerator(g.rawValueStream())) {
      parsed.serialize(jg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TokenBuffer parseSingleValue(String body) {
    try (JsonParser p = Jackson.FACTORY.createParser(body)) {
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

  private static void optional(JsonLineBytes g, byte[] field, String value) {
    if (value != null && !value.isEmpty()) {
      g.name(field).string(value);
    }
  }

  private static void writeStrings(JsonLineBytes g, byte[] field, List<String> values) {
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
   * Writes {@link #microTime}'s text for {@code t} without going through the formatter (two per
   * event, and the formatter dominated the timestamp cost); years outside 1-9999, which the
   * pattern prints differently, take the formatter.
   */
  private static void writeMicroTime(JsonLineBytes g, byte[] field, Instant t) {
    long epochSecond = t.getEpochSecond();
    LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L));
    int year = day.getYear();
    g.name(field);
    if (year < 1 || year > 9999) {
      g.string(microTime(t));
      return;
    }
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    // written in place: a 27-byte array per timestamp was a tenth of what an event allocated
    int at = g.plainStringRoom(27);
    byte[] c = g.array();
    JsonLineBytes.putDecimal(c, at, year, 4);
    c[at + 4] = '-';
    JsonLineBytes.putDecimal(c, at + 5, day.getMonthValue(), 2);
    c[at + 7] = '-';
    JsonLineBytes.putDecimal(c, at + 8, day.getDayOfMonth(), 2);
    c[at + 10] = 'T';
    JsonLineBytes.putDecimal(c, at + 11, secondOfDay / 3600, 2);
    c[at + 13] = ':';
    JsonLineBytes.putDecimal(c, at + 14, secondOfDay / 60 % 60, 2);
    c[at + 16] = ':';
    JsonLineBytes.putDecimal(c, at + 17, secondOfDay % 60, 2);
    c[at + 19] = '.';
    JsonLineBytes.putDecimal(c, at + 20, t.getNano() / 1000, 6);
    c[at + 26] = 'Z';
  }

  /** Formats an instant as Kubernetes' MicroTime does. */
  public static String microTime(Instant instant) {
    return MicroTime.FORMAT.format(instant);
  }
}

package dev.kubeguard.core.audit;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the {@link AuditEvent} for one guarded request from the Guard's facts: the request, the
 * decision (whose obligations give the audit level), the audit id sent to the API server as
 * {@code Audit-ID}, the outcome, the masked bodies and the approval.
 *
 * <p>Annotations ({@code kubeguard.dev/} prefix): {@code decision} ({@code allow}, {@code deny},
 * {@code require-approval}), {@code rule}, {@code reason}, {@code approval-id}, {@code approvers}
 * (comma-separated), {@code tool}, {@code session}, {@code correlation-id},
 * {@code masked-fields}; empty values are left out. The decision's own annotations are added with
 * the prefix but never override these.
 *
 * <p>Bodies are recorded only when the level includes them and only for resource requests (as
 * kube-apiserver does), and are capped: a body over {@code maxBodyBytes} (UTF-8) becomes
 * {@code {"kubeguard.dev/truncated":<original size>}}. Callers pass bodies <em>after masking</em>.
 * Stateless; builders are not thread-safe.
 */
public final class AuditEvents {

  /** Default cap on each recorded body. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /** Key of the marker that replaces an over-size body. */
  public static final String TRUNCATED = AuditEvent.ANNOTATION_PREFIX + "truncated";

  private AuditEvents() {}

  /** Starts the event of {@code request} decided as {@code decision}. */
  public static Builder forRequest(AccessRequest request, Decision decision) {
    return new Builder(Objects.requireNonNull(request, "request"), Objects.requireNonNull(decision, "decision"));
  }

  /** The wire word of an effect: {@code allow}, {@code deny}, {@code require-approval}. */
  public static String decisionWord(Decision.Effect effect) {
    return DECISION_WORDS[effect.ordinal()];
  }

  private static final String[] DECISION_WORDS = Arrays.stream(Decision.Effect.values())
      .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
      .toArray(String[]::new);

  /** Parses {@link #decisionWord}; throws {@link IllegalArgumentException} for anything else. */
  public static Decision.Effect parseDecisionWord(String word) {
    for (Decision.Effect e : Decision.Effect.values()) {
      if (decisionWord(e).equals(word)) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown decision '" + word + "': allow, deny or require-approval");
  }

  /** {@code body} if within {@code maxBytes} of UTF-8, else the truncation marker. Null stays null. */
  public static String capBody(String body, int maxBytes) {
    if (body == null) {
      return null;
    }
    long size = utf8Length(body);
    return size <= maxBytes ? body : "{\"" + TRUNCATED + "\":" + size + "}";
  }

  private static long utf8Length(CharSequence s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Collects the facts of one event; {@link #build()} returns empty for audit level None. */
  public static final class Builder {
    private final AccessRequest request;
    private final Decision decision;
    private String auditId;
    private AuditEvent.Stage stage = AuditEvent.Stage.ResponseComplete;
    private AuditEvent.ResponseStatus responseStatus;
    private String requestBody;
    private String responseBody;
    private int maskedFields = -1;
    private String approvalId = "";
    private List<String> approvers = List.of();
    private Instant requestReceived;
    private Instant stageTimestamp;
    private List<String> sourceIps = List.of();
    private String userAgent;
    private Identity impersonatedUser;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Map<String, String> extra = Map.of();

    private Builder(AccessRequest request, Decision decision) {
      this.request = request;
      this.decision = decision;
    }

    /** The id also sent as the {@code Audit-ID} header. Required. */
    public Builder auditId(String auditId) {
      this.auditId = auditId;
      return this;
    }

    /** Default {@code ResponseComplete}. */
    public Builder stage(AuditEvent.Stage stage) {
      this.stage = stage;
      return this;
    }

    /** The outcome: HTTP code, {@code Success}/{@code Failure}, reason ({@code Forbidden}), message. */
    public Builder responseStatus(int code, String status, String reason, String message) {
      this.responseStatus = new AuditEvent.ResponseStatus(code, status, reason, message);
      return this;
    }

    /** The masked request body (JSON text), kept at level Request and above. */
    public Builder requestBody(String maskedJson) {
      this.requestBody = maskedJson;
      return this;
    }

    /** The masked response body (JSON text), kept at level RequestResponse. */
    public Builder responseBody(String maskedJson) {
      this.responseBody = maskedJson;
      return this;
    }

    /** How many fields the masker replaced. */
    public Builder maskedFields(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("masked field count must be >= 0, got " + count);
      }
      this.maskedFields = count;
      return this;
    }

    /** The approval that let the request through (or is pending), and who approved it. */
    public Builder approval(String approvalId, List<String> approvers) {
      this.approvalId = approvalId == null ? "" : approvalId;
      this.approvers = approvers == null ? List.of() : List.copyOf(approvers);
      return this;
    }

    /** Default: the call context's time. */
    public Builder requestReceived(Instant at) {
      this.requestReceived = at;
      return this;
    }

    /** Default: now. */
    public Builder stageTimestamp(Instant at) {
      this.stageTimestamp = at;
      return this;
    }

    public Builder sourceIps(List<String> ips) {
      this.sourceIps = ips == null ? List.of() : List.copyOf(ips);
      return this;
    }

    /** Default: the request's {@code User-Agent} header. */
    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    public Builder impersonatedUser(Identity user) {
      this.impersonatedUser = user;
      return this;
    }

    /** One more {@code kubeguard.dev/<key>} annotation; never overrides the standard ones. */
    public Builder annotate(String key, String value) {
      if (extra.isEmpty()) {
        extra = new HashMap<>();
      }
      extra.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Cap on each body, default {@link #DEFAULT_MAX_BODY_BYTES}. */
    public Builder maxBodyBytes(int max) {
      if (max < 64) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 64, got " + max);
      }
      this.maxBodyBytes = max;
      return this;
    }

    /**
     * The event, or empty when the decision's audit level is None.
     *
     * @throws IllegalStateException when no audit id was given
     */
    public Optional<AuditEvent> build() {
      AuditLevel level = decision.obligations().auditLevel();
      if (level == AuditLevel.NONE) {
        return Optional.empty();
      }
      if (auditId == null || auditId.isBlank()) {
        throw new IllegalStateException("auditId is required: pass the id sent as the Audit-ID header");
      }
      Attributes a = request.attributes();
      String uri = request.request() != null ? request.request().uri() : a.path();
      String verb = request.info() != null ? request.info().verb() : a.verb();
      AuditEvent.ObjectReference ref =
          a.isResourceRequest()
              ? new AuditEvent.ObjectReference(
                  a.resource(), a.namespace(), a.name(), "", a.apiGroup(), a.apiVersion(), "", a.subresource())
              : null;
      boolean bodies = a.isResourceRequest();
      String ua = userAgent != null ? userAgent : request.request() != null ? request.request().header("User-Agent") : "";
      Instant received = micros(requestReceived != null ? requestReceived : request.context().time());
      Instant at = micros(stageTimestamp != null ? stageTimestamp : Instant.now());
      return Optional.of(
          new AuditEvent(
              level, auditId, stage, uri, verb, request.identity(), impersonatedUser, sourceIps, ua, ref,
              responseStatus,
              bodies && level.includesRequest() ? capBody(requestBody, maxBodyBytes) : null,
              bodies && level.includesResponse() ? capBody(responseBody, maxBodyBytes) : null,
              received, at, annotations()));
    }

    // Without custom annotations (the usual case) built as the immutable map the event keeps, so
    // AuditEvent's Map.copyOf copies nothing: a HashMap filled and then copied was a third of what
    // recording an exchange allocated.
    private Map<String, String> annotations() {
      Standard standard = new Standard();
      standard.put(DECISION, decisionWord(decision.effect()));
      standard.put(RULE, decision.ruleId());
      standard.put(REASON, decision.reason());
      standard.put(APPROVAL_ID, approvalId);
      standard.put(APPROVERS, approvers.isEmpty() ? null : String.join(",", approvers));
      standard.put(TOOL, request.context().tool());
      standard.put(SESSION, request.context().sessionId());
      standard.put(CORRELATION_ID, request.context().correlationId());
      if (maskedFields >= 0) {
        standard.put(MASKED_FIELDS, maskedFields < SMALL_COUNTS.length ? SMALL_COUNTS[maskedFields] : Integer.toString(maskedFields));
      }
      if (decision.annotations().isEmpty() && extra.isEmpty()) {
        return standard.toMap();
      }
      Map<String, String> out = new HashMap<>();
      decision.annotations().forEach((k, v) -> out.put(AuditEvent.ANNOTATION_PREFIX + k, v));
      extra.forEach((k, v) -> out.put(AuditEvent.ANNOTATION_PREFIX + k, v));
      standard.putAllInto(out);
      return out;
    }

    // the annotation keys every event may carry, prefixed once rather than per event
    private static final String DECISION = AuditEvent.ANNOTATION_PREFIX + "decision";
    private static final String RULE = AuditEvent.ANNOTATION_PREFIX + "rule";
    private static final String REASON = AuditEvent.ANNOTATION_PREFIX + "reason";
    private static final String APPROVAL_ID = AuditEvent.ANNOTATION_PREFIX + "approval-id";
    private static final String APPROVERS = AuditEvent.ANNOTATION_PREFIX + "approvers";
    private static final String TOOL = AuditEvent.ANNOTATION_PREFIX + "tool";
    private static final String SESSION = AuditEvent.ANNOTATION_PREFIX + "session";
    private static final String CORRELATION_ID = AuditEvent.ANNOTATION_PREFIX + "correlation-id";
    private static final String MASKED_FIELDS = AuditEvent.ANNOTATION_PREFIX + "masked-fields";

    // the masked-field counts most responses have, spelled once rather than per response
    private static final String[] SMALL_COUNTS = new String[64];

    static {
      for (int i = 0; i < SMALL_COUNTS.length; i++) {
        SMALL_COUNTS[i] = Integer.toString(i);
      }
    }

    /** Every standard annotation key, sorted as {@code String.compareTo} orders them. */
    static final String[] STANDARD_KEYS_SORTED = sorted(
        DECISION, RULE, REASON, APPROVAL_ID, APPROVERS, TOOL, SESSION, CORRELATION_ID, MASKED_FIELDS);

    private static String[] sorted(String... keys) {
      Arrays.sort(keys);
      return keys;
    }

    /**
     * The standard annotations with a value, each key at most once (they are distinct constants),
     * as key/value pairs. Handed to {@code Map.of} by arity because {@code Map.ofEntries} costs an
     * entry object per pair, the entry array and its copy, all garbage once the map is built.
     */
    private static final class Standard {
      private final String[] kv = new String[18];
      private int n;

      void put(String prefixedKey, String value) {
        if (value != null && !value.isEmpty()) {
          kv[n++] = prefixedKey;
          kv[n++] = value;
        }
      }

      void putAllInto(Map<String, String> out) {
        for (int i = 0; i < n; i += 2) {
          out.put(kv[i], kv[i + 1]);
        }
      }

      Map<String, String> toMap() {
        String[] a = kv;
        return switch (n / 2) {
          case 0 -> Map.of();
          case 1 -> Map.of(a[0], a[1]);
          case 2 -> Map.of(a[0], a[1], a[2], a[3]);
          case 3 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5]);
          case 4 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
          case 5 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
          case 6 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
          case 7 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
          case 8 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13],
              a[14], a[15]);
          default -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13],
              a[14], a[15], a[16], a[17]);
        };
      }
    }

    private static Instant micros(Instant t) {
      return t.truncatedTo(ChronoUnit.MICROS);
    }
  }
}

package dev.kubeguard.audit.sinks;

import dev.kubeguard.api.AuditEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Locale;
import java.util.Map;

/**
 * An audit event's fields as OpenTelemetry log attributes, semantic-convention names where one
 * exists ({@code k8s.namespace.name}, {@code user.name}, {@code http.request.method},
 * {@code url.path}, {@code http.response.status_code}, {@code client.address},
 * {@code user_agent.original}) and {@code kubeguard.*} for the rest, so a Collector pipeline can
 * route and index without parsing the body. Empty fields are left out. Stateless.
 */
final class OtlpAttributes {

  static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("k8s.namespace.name");
  static final AttributeKey<String> USER = AttributeKey.stringKey("user.name");
  static final AttributeKey<String> USER_ID = AttributeKey.stringKey("user.id");
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> CLIENT = AttributeKey.stringKey("client.address");
  static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
  static final AttributeKey<String> AUDIT_ID = AttributeKey.stringKey("kubeguard.audit_id");
  static final AttributeKey<Long> CHAIN_SEQ = AttributeKey.longKey("kubeguard.chain.seq");
  static final AttributeKey<String> CHAIN = AttributeKey.stringKey("kubeguard.chain.name");
  static final AttributeKey<String> REPLICA = AttributeKey.stringKey("kubeguard.replica");
  static final AttributeKey<String> VERB = AttributeKey.stringKey("kubeguard.verb");
  static final AttributeKey<String> STAGE = AttributeKey.stringKey("kubeguard.stage");
  static final AttributeKey<String> LEVEL = AttributeKey.stringKey("kubeguard.level");
  static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("kubeguard.resource");
  static final AttributeKey<String> SUBRESOURCE = AttributeKey.stringKey("kubeguard.subresource");
  static final AttributeKey<String> API_GROUP = AttributeKey.stringKey("kubeguard.api_group");
  static final AttributeKey<String> NAME = AttributeKey.stringKey("kubeguard.object.name");
  static final AttributeKey<String> IMPERSONATED = AttributeKey.stringKey("kubeguard.impersonated_user");

  private OtlpAttributes() {}

  static Attributes of(AuditEvent e, long chainSeq) {
    AttributesBuilder b = Attributes.builder();
    put(b, AUDIT_ID, e.auditId());
    b.put(CHAIN_SEQ, chainSeq);
    put(b, REPLICA, e.annotations().get(ChainStamp.REPLICA));
    put(b, CHAIN, e.annotations().get(ChainStamp.CHAIN));
    put(b, STAGE, e.stage().name());
    put(b, LEVEL, e.level().wireName());
    put(b, VERB, e.verb());
    put(b, METHOD, method(e.verb()));
    String uri = e.requestUri();
    int q = uri.indexOf('?');
    put(b, PATH, q < 0 ? uri : uri.substring(0, q));
    put(b, QUERY, q < 0 ? "" : uri.substring(q + 1));
    put(b, USER, e.user().user());
    put(b, USER_ID, e.user().uid());
    if (e.impersonatedUser() != null) {
      put(b, IMPERSONATED, e.impersonatedUser().user());
    }
    if (!e.sourceIps().isEmpty()) {
      put(b, CLIENT, e.sourceIps().get(0));
    }
    put(b, USER_AGENT, e.userAgent());
    if (e.objectRef() != null) {
      put(b, NAMESPACE, e.objectRef().namespace());
      put(b, RESOURCE, e.objectRef().resource());
      put(b, SUBRESOURCE, e.objectRef().subresource());
      put(b, API_GROUP, e.objectRef().apiGroup());
      put(b, NAME, e.objectRef().name());
    }
    if (e.responseStatus() != null && e.responseStatus().code() != 0) {
      b.put(STATUS, (long) e.responseStatus().code());
    }
    for (Map.Entry<String, String> a : e.annotations().entrySet()) {
      String k = a.getKey();
      if (k.startsWith(AuditEvent.ANNOTATION_PREFIX) && !k.equals(ChainStamp.CHAIN_SEQ) && !k.equals(ChainStamp.REPLICA)
          && !k.equals(ChainStamp.CHAIN)) {
        // kubeguard.dev/decision -> kubeguard.decision, kubeguard.dev/approval-id -> kubeguard.approval_id
        String name = "kubeguard." + k.substring(AuditEvent.ANNOTATION_PREFIX.length()).replace('-', '_').replace('/', '.');
        put(b, AttributeKey.stringKey(name), a.getValue());
      }
    }
    return b.build();
  }

  /** The HTTP method kube-apiserver maps to this verb; {@code _OTHER} as the conventions say. */
  static String method(String verb) {
    return switch (verb.toLowerCase(Locale.ROOT)) {
      case "get", "list", "watch" -> "GET";
      case "create" -> "POST";
      case "update" -> "PUT";
      case "patch" -> "PATCH";
      case "delete", "deletecollection" -> "DELETE";
      case "" -> "";
      default -> "_OTHER";
    };
  }

  private static void put(AttributesBuilder b, AttributeKey<String> k, String v) {
    if (v != null && !v.isEmpty()) {
      b.put(k, v);
    }
  }
}

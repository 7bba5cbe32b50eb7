package dev.kubeguard.opa.internal.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.KubeRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the OPA input document for one {@link AccessRequest}: a SubjectAccessReview
 * ({@code apiVersion}, {@code kind}, {@code spec}) as the Kubernetes authorization webhook sends
 * it, plus KubeGuard's {@code request} (left out for attributes-only questions) and
 * {@code context}.
 *
 * <p>Also gives the cache key: the same document serialized without {@code context.time}, which
 * differs on every call and would make every lookup miss. Thread-safe and stateless apart from its
 * configuration.
 */
public final class InputDocument {

  /** The body bound used unless configured otherwise: 1 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper WRITER = new ObjectMapper();

  private final int maxBodyBytes;

  public InputDocument(int maxBodyBytes) {
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  /** What is sent to OPA, and the key a decision cache files the answer under. */
  public record Encoded(byte[] requestBody, byte[] cacheKey) {}

  /**
   * Encodes {@code {"input": ...}} for {@code request}; {@code cacheKey} is {@code null} unless
   * {@code withCacheKey}.
   */
  public Encoded encode(AccessRequest request, boolean withCacheKey) throws JsonProcessingException {
    ObjectNode input = F.objectNode();
    input.put("apiVersion", "authorization.k8s.io/v1");
    input.put("kind", "SubjectAccessReview");
    input.set("spec", SubjectAccessReviewSpec.of(request.identity(), request.attributes(), F));
    if (request.request() != null) {
      input.set("request", requestNode(request.request()));
    }
    ObjectNode context = contextWithoutTime(request);
    input.set("context", context);
    byte[] key = withCacheKey ? WRITER.writeValueAsBytes(input) : null;
    context.put("time", request.context().time().toString());
    ObjectNode wrapper = F.objectNode();
    wrapper.set("input", input);
    return new Encoded(WRITER.writeValueAsBytes(wrapper), key);
  }

  private ObjectNode requestNode(KubeRequest r) {
    ObjectNode node = F.objectNode();
    node.put("method", r.method());
    node.put("path", r.rawPath());
    node.put("rawQuery", r.rawQuery());
    ObjectNode query = node.putObject("query");
    // Keys are unique here; putArray (not withArray, which reads "/..." as a JSON Pointer).
    GoQuery.parse(r.rawQuery()).forEach((k, vs) -> vs.forEach(query.putArray(k)::add));
    ObjectNode headers = node.putObject("headers");
    lowerCaseHeaders(r.headers()).forEach((k, vs) -> vs.forEach(headers.putArray(k)::add));
    RequestBody.put(node, r.body(), maxBodyBytes);
    return node;
  }

  private static Map<String, List<String>> lowerCaseHeaders(Map<String, List<String>> headers) {
    // Rego compares strings exactly; one spelling per header saves every policy a lower() call.
    Map<String, List<String>> out = new TreeMap<>();
    headers.forEach((k, vs) -> {
      String name = k.toLowerCase(Locale.ROOT);
      if (!KubeRequest.CREDENTIAL_HEADERS.contains(name)) {
        out.merge(name, vs, (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
      }
    });
    return out;
  }

  private static ObjectNode contextWithoutTime(AccessRequest request) {
    CallContext c = request.context();
    ObjectNode node = F.objectNode();
    node.put("tool", c.tool());
    node.put("sessionId", c.sessionId());
    node.put("correlationId", c.correlationId());
    node.put("issuer", request.identity().issuer());
    node.put("dryRun", request.dryRun());
    return node;
  }
}

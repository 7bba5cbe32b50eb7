package dev.kubeguard.core.mask;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Masks what the audit trail keeps of a request, through the Guard's own {@link Masker}, so the
 * trail holds the same tokens as the responses: the body of every write (objects, YAML apply
 * bodies, merge and strategic-merge patches, JSON Patch) and the values of the request target's
 * query.
 *
 * <ul>
 *   <li>An object body is masked as the object it writes: a patch of a Secret or ConfigMap that
 *       carries no {@code kind} is masked as that kind (the kind is lent for masking, not recorded).
 *   <li>A JSON Patch op's {@code value} is masked as what it would be at its {@code path} in the
 *       target object ({@code /data/password} of a Secret, {@code /spec/containers/0/env/-});
 *       a value whose last path segment names a secret ({@code /metadata/annotations/api-token}),
 *       or an env var's {@code value} whose name the patch does not carry, is masked whole.
 *   <li>Each query value is masked whole when its parameter name names a secret
 *       ({@code ?password=}, {@code ?token=}), as is an exec/attach {@code command} argument
 *       following a secret-named flag ({@code --password}); every other value goes through the
 *       masker's value detectors ({@code command=PGPASSWORD=hunter2 psql}). Names and order stay.
 * </ul>
 * Whatever cannot be masked (a body neither JSON nor YAML, a value that does not decode, a masker
 * that fails or does not mask a value that must be masked) is replaced by a placeholder, never
 * kept verbatim.
 *
 * <p>Thread-safe (the masker's {@link Masker#open} is). Holds a body as a tree: callers pass only
 * bodies within the audit body limit. Never throws for a request or a failing masker.
 */
public final class RequestAuditMasking {

  /** Replaces a query value that could not be masked. */
  public static final String WITHHELD_VALUE = "kubeguard-withheld";
  /** Replaces a request body that could not be masked. */
  public static final String WITHHELD_BODY = "{\"kubeguard.dev/withheld\":\"request body could not be masked\"}";

  /**
   * Jackson, made on the first request body to mask: a Guard is built, and most requests (every
   * GET) sent, without one, and making these loaded some 300 classes into every Guard's start.
   */
  private static final class Trees {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final StreamReadConstraints LIMITS = StreamReadConstraints.builder().maxNestingDepth(200).build();
    static final ObjectMapper JSON = new ObjectMapper(
        JsonFactory.builder().streamReadConstraints(LIMITS).build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().loaderOptions(yamlLimits())
        .streamReadConstraints(LIMITS).build());
  }

  private static final SensitiveNames NAMES = new SensitiveNames(true, List.of());
  /** The kinds a kind-less body of these core resources is masked as. */
  private static final Map<String, String> KINDS = Map.of("secrets", "Secret", "configmaps", "ConfigMap");
  /** Maps whose keys are names, so a numeric JSON Pointer segment under them is a key, not an index. */
  private static final Set<String> KEYED = Set.of("data", "stringData", "binaryData", "annotations", "labels");
  private static final Set<String> SESSIONS = Set.of("exec", "attach");

  private final Masker masker;

  public RequestAuditMasking(Masker masker) {
    this.masker = masker;
  }

  private static LoaderOptions yamlLimits() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(8 * 1024 * 1024);
    return o;
  }

  /**
   * The body of {@code q}'s request as the trail may keep it (compact JSON), masked under
   * {@code profile}; {@code null} for a request without a body.
   */
  public String body(AccessRequest q, String profile) {
    KubeRequest http = q.request();
    if (http == null || http.bodyLength() == 0) {
      return null;
    }
    try {
      JsonNode root = parse(http.body(), http.header("Content-Type"));
      if (root == null) {
        return WITHHELD_BODY;
      }
      Masking m = new Masking(q, profile);
      JsonNode masked = root.isArray() && isJsonPatch(root) ? m.jsonPatch((ArrayNode) root) : m.object(root);
      return Trees.JSON.writeValueAsString(masked);
    } catch (Throwable e) {
      rethrowIfFatal(e);
      return WITHHELD_BODY;
    }
  }

  /**
   * {@code q}'s request target as the trail may keep it: the path as sent and each query value
   * masked, parameter names and order unchanged. Values that change are written percent-encoded.
   */
  public String uri(AccessRequest q, String profile) {
    KubeRequest http = q.request();
    if (http == null) {
      return q.attributes().path();
    }
    String uri = http.uri();
    int mark = uri.indexOf('?');
    if (mark < 0 || mark == uri.length() - 1) {
      return uri;
    }
    String[] parts = uri.substring(mark + 1).split("&", -1);
    String[] names = new String[parts.length];
    String[] values = new String[parts.length];
    boolean[] whole = new boolean[parts.length];
    boolean session = q.attributes().isResourceRequest() && SESSIONS.contains(q.attributes().subresource());
    boolean afterSecretFlag = false;
    for (int i = 0; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq < 0) {
        continue;
      }
      names[i] = decode(parts[i].substring(0, eq));
      values[i] = decode(parts[i].substring(eq + 1));
      boolean command = session && "command".equals(names[i]);
      whole[i] = names[i] == null || NAMES.isSensitive(names[i]) || (command && afterSecretFlag);
      afterSecretFlag = command && values[i] != null && isSecretFlag(values[i]);
    }
    String[] masked = maskQueryValues(q, profile, values, whole);
    StringBuilder out = new StringBuilder(uri.length() + 32).append(uri, 0, mark + 1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      if (names[i] == null && values[i] == null) {
        out.append(parts[i]); // a bare flag: no value to mask
      } else if (masked[i] != null && masked[i].equals(values[i])) {
        out.append(parts[i]);
      } else {
        out.append(parts[i], 0, parts[i].indexOf('=') + 1)
            .append(URLEncoder.encode(masked[i] == null ? WITHHELD_VALUE : masked[i], StandardCharsets.UTF_8));
      }
    }
    return out.toString();
  }

  // Every value through the masker at once: detectors for most, a Secret's stringData for the rest.
  private String[] maskQueryValues(AccessRequest q, String profile, String[] values, boolean[] whole) {
    String[] out = new String[values.length];
    try {
      Masking m = new Masking(q, profile);
      ArrayNode plain = Trees.NODES.arrayNode();
      ArrayNode secret = Trees.NODES.arrayNode();
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          (whole[i] ? secret : plain).add(values[i]);
        }
      }
      JsonNode plainMasked = plain.isEmpty() ? plain : m.detectors(plain);
      JsonNode secretMasked = secret.isEmpty() ? secret : m.wholly(secret);
      int p = 0;
      int s = 0;
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          JsonNode v = whole[i] ? secretMasked.get(s++) : plainMasked.get(p++);
          out[i] = v != null && v.isTextual() ? v.asText() : null;
        }
      }
    } catch (Throwable e) {
      rethrowIfFatal(e);
      Arrays.fill(out, null); // nothing masked is kept: every value becomes the placeholder
    }
    return out;
  }

  private static boolean isSecretFlag(String arg) {
    if (!arg.startsWith("-")) {
      return false;
    }
    String flag = arg.replaceFirst("^-+", "");
    return !flag.isEmpty() && !flag.contains("=") && NAMES.isSensitive(flag);
  }

  // Go's url.ParseQuery: '+' is a space, a bad escape is an error (null here: withheld).
  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static JsonNode parse(byte[] body, String contentType) throws IOException {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.contains("yaml")) {
      try (MappingIterator<JsonNode> docs = Trees.YAML.readerFor(JsonNode.class).readValues(body)) {
        List<JsonNode> all = docs.readAll();
        return all.size() == 1 ? all.get(0) : all.isEmpty() ? null : Trees.NODES.arrayNode().addAll(all);
      }
    }
    if (type.contains("json") || type.isBlank()) {
      return Trees.JSON.readTree(body);
    }
    return null; // protobuf, CBOR, text: nothing the trail can keep masked
  }

  private static boolean isJsonPatch(JsonNode root) {
    for (JsonNode op : root) {
      if (!op.isObject() || !op.path("op").isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static void rethrowIfFatal(Throwable e) {
    if (e instanceof VirtualMachineError v) {
      throw v;
    }
  }

  /** One request's masking: its target kind, its profile, the masker's streams. */
  private final class Masking {
    private final AccessRequest q;
    private final String profile;
    private final String kind;

    Masking(AccessRequest q, String profile) {
      this.q = q;
      this.profile = profile;
      this.kind = q.attributes().isResourceRequest() && q.attributes().apiGroup().isEmpty()
          && q.attributes().subresource().isEmpty() ? KINDS.get(q.attributes().resource()) : null;
    }

    /** An object (or anything but a JSON Patch) masked as what it writes. */
    JsonNode object(JsonNode root) throws Exception {
      if (root.isObject() && kind != null && !root.has("kind")) {
        ObjectNode lent = Trees.NODES.objectNode().put("kind", kind);
        lent.setAll((ObjectNode) root);
        ObjectNode masked = (ObjectNode) mask(lent);
        masked.remove("kind");
        return masked;
      }
      return mask(root);
    }

    ArrayNode jsonPatch(ArrayNode ops) throws Exception {
      ArrayNode out = Trees.NODES.arrayNode();
      for (JsonNode op : ops) {
        ObjectNode o = Trees.NODES.objectNode();
        for (Map.Entry<String, JsonNode> f : op.properties()) {
          String name = f.getKey();
          JsonNode v = f.getValue();
          if (name.equals("value")) {
            o.set(name, at(op.path("path").asText(""), v));
          } else if (v.isTextual() && (name.equals("op") || name.equals("path") || name.equals("from"))) {
            o.set(name, v);
          } else {
            o.set(name, mask(v));
          }
        }
        out.add(o);
      }
      return out;
    }

    // An op's value masked as it would be at its path in the target object.
    private JsonNode at(String pointer, JsonNode value) throws Exception {
      List<Object> path = MaskedWrites.pointer(pointer);
      if (path.isEmpty()) {
        return object(value);
      }
      ObjectNode root = Trees.NODES.objectNode();
      if (kind != null) {
        root.put("kind", kind);
      }
      // The value nested where the pointer puts it; a list index becomes a one-element list.
      JsonNode container = root;
      for (int i = 0; i < path.size(); i++) {
        JsonNode child = i == path.size() - 1 ? value.deepCopy() : isIndex(path, i + 1) ? Trees.NODES.arrayNode() : Trees.NODES.objectNode();
        if (container.isArray()) {
          ((ArrayNode) container).add(child);
        } else {
          ((ObjectNode) container).set(String.valueOf(path.get(i)), child);
        }
        container = child;
      }
      JsonNode masked = mask(root);
      for (int i = 0; i < path.size() && masked != null; i++) {
        masked = masked.isArray() ? masked.get(0) : masked.get(String.valueOf(path.get(i)));
      }
      if (masked == null) {
        return wholly(value);
      }
      String lastSeg = String.valueOf(path.get(path.size() - 1));
      boolean envValue = path.size() >= 3 && lastSeg.equals("value") && "env".equals(String.valueOf(path.get(path.size() - 3)));
      if (masked.equals(value) && (NAMES.isSensitive(lastSeg) || envValue)) {
        return wholly(value);
      }
      return masked;
    }

    private boolean isIndex(List<Object> path, int i) {
      Object seg = path.get(i);
      return (seg instanceof Integer || "-".equals(seg)) && !KEYED.contains(String.valueOf(path.get(i - 1)));
    }

    /** Every string the detectors flag, replaced by its token. */
    JsonNode detectors(ArrayNode values) throws Exception {
      return mask(Trees.NODES.objectNode().set("values", values)).get("values");
    }

    /**
     * Every scalar in {@code value} masked whole, as a Secret's {@code stringData} value is;
     * the placeholder when the masker leaves one as it was.
     */
    JsonNode wholly(JsonNode value) throws Exception {
      if (value.isNull() || value.isMissingNode()) {
        return value;
      }
      List<JsonNode> leaves = new ArrayList<>();
      collect(value, leaves);
      ObjectNode stringData = Trees.NODES.objectNode();
      for (int i = 0; i < leaves.size(); i++) {
        stringData.put(Integer.toString(i), leaves.get(i).asText());
      }
      JsonNode masked = mask(Trees.NODES.objectNode().put("kind", "Secret").set("stringData", stringData)).path("stringData");
      int[] next = {0};
      return replace(value, masked, next);
    }

    private void collect(JsonNode n, List<JsonNode> leaves) {
      if (n.isContainerNode()) {
        n.forEach(c -> collect(c, leaves));
      } else if (!n.isNull()) {
        leaves.add(n);
      }
    }

    private JsonNode replace(JsonNode n, JsonNode masked, int[] next) {
      if (n.isArray()) {
        ArrayNode a = Trees.NODES.arrayNode();
        n.forEach(c -> a.add(replace(c, masked, next)));
        return a;
      }
      if (n.isObject()) {
        ObjectNode o = Trees.NODES.objectNode();
        n.properties().forEach(e -> o.set(e.getKey(), replace(e.getValue(), masked, next)));
        return o;
      }
      if (n.isNull()) {
        return n;
      }
      JsonNode m = masked.get(Integer.toString(next[0]++));
      boolean changed = m != null && m.isTextual() && !m.asText().equals(n.asText());
      return changed ? m : TextNode.valueOf(WITHHELD_VALUE);
    }

    /** One JSON document through the masker, read back. */
    private JsonNode mask(JsonNode doc) throws Exception {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MaskingStream s = masker.open(new MaskingContext(profile, "application/json", q), chunk -> {
        byte[] b = new byte[chunk.remaining()];
        chunk.get(b);
        out.write(b, 0, b.length);
      });
      s.write(ByteBuffer.wrap(Trees.JSON.writeValueAsBytes(doc)));
      s.finish();
      return Trees.JSON.readTree(out.toByteArray());
    }
  }
}

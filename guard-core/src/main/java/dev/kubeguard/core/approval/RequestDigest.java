package dev.kubeguard.core.approval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.internal.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SHA-256 digest that binds an approval to one exact request: identity, method, path,
 * canonical query, canonical body and the headers that change what the server does. Two requests
 * the API server would serve differently never share a digest; the same request re-sent (a
 * retry, a re-serialised body with other key order) does.
 *
 * <p>Canonical query: pairs stably sorted by name (Go's {@code url.Values} keeps value order per
 * name but not name order). Canonical body: JSON with object keys sorted; a body that is not
 * JSON, or has duplicate keys (which servers may read differently), is taken byte for byte.
 *
 * <p><b>Bound headers</b> (this list is the one place that says which): every header whose value
 * changes what kube-apiserver does with the same method, path and body, or that the classifier
 * reads to decide which questions the policy is asked.
 * <ul>
 *   <li>{@code Content-Type}: picks the patch strategy (JSON patch, merge patch, strategic merge
 *       patch, apply) and the body's decoding; compared as a media type (case and blanks around
 *       {@code ;} do not count);
 *   <li>{@code Content-Encoding}: how the body bytes are to be read;
 *   <li>{@code Impersonate-User}, {@code Impersonate-Group}, {@code Impersonate-Uid} and every
 *       {@code Impersonate-Extra-*}: who the server acts as (the classifier reads them); names
 *       compared case-insensitively, values in the order sent;
 *   <li>{@code Upgrade}, and whether {@code Connection} asks for an upgrade: an upgraded
 *       {@code pods/exec}, {@code attach} or {@code portforward} is a different action (the
 *       classifier reads them);
 *   <li>{@code X-Stream-Protocol-Version} and {@code Sec-WebSocket-Protocol}: which streaming
 *       protocol an upgraded session speaks.
 * </ul>
 * Not bound, because they change only how the answer is represented or transported, never the
 * action: {@code Accept} (the Guard may rewrite it for masking), {@code User-Agent},
 * {@code Accept-Encoding}, {@code Content-Length} (the body is bound) and the hop-by-hop rest of
 * {@code Connection}. Credentials never reach a {@link KubeRequest}; the identity bound instead is
 * the verified one.
 *
 * <p>Every field is length-prefixed so no two field splits hash alike. Thread-safe.
 */
public final class RequestDigest {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Lower-case hex SHA-256 of the request as seen by {@code identity}. */
  public static String of(Identity identity, KubeRequest request) {
    MessageDigest sha = Sha256.newDigest();
    field(sha, identity.user());
    field(sha, identity.uid());
    List<String> groups = new ArrayList<>(identity.groups());
    groups.sort(Comparator.naturalOrder());
    field(sha, String.join("\n", groups));
    for (Map.Entry<String, List<String>> e : new TreeMap<>(identity.extra()).entrySet()) {
      field(sha, e.getKey());
      field(sha, String.join("\n", e.getValue()));
    }
    field(sha, request.method());
    field(sha, request.rawPath());
    field(sha, canonicalQuery(request.rawQuery()));
    field(sha, canonicalBody(request.body()));
    for (Map.Entry<String, List<String>> h : boundHeaders(request).entrySet()) {
      field(sha, h.getKey());
      field(sha, Long.toString(h.getValue().size()));
      for (String v : h.getValue()) {
        field(sha, v);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static final List<String> BOUND = List.of(
      "content-type", "content-encoding", "impersonate-user", "impersonate-group", "impersonate-uid",
      "upgrade", "x-stream-protocol-version", "sec-websocket-protocol");
  private static final String IMPERSONATE_EXTRA = "impersonate-extra-";

  /** The bound headers of {@code request}, lower-case names in order, canonical values. */
  static TreeMap<String, List<String>> boundHeaders(KubeRequest request) {
    TreeMap<String, List<String>> bound = new TreeMap<>();
    for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!BOUND.contains(name) && !name.startsWith(IMPERSONATE_EXTRA)) {
        continue;
      }
      List<String> values = name.equals("content-type")
          ? h.getValue().stream().map(RequestDigest::mediaType).toList()
          : h.getValue();
      bound.merge(name, values, (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
    }
    if (request.isUpgrade()) {
      bound.put("connection", List.of("upgrade"));
    }
    return bound;
  }

  // Media types compare case-insensitively in type, subtype and parameter names; blanks around
  // ';' carry no meaning. Parameter values are kept as sent.
  private static String mediaType(String value) {
    StringBuilder b = new StringBuilder();
    for (String part : value.split(";", -1)) {
      String p = part.strip();
      int eq = p.indexOf('=');
      String norm = eq < 0 ? p.toLowerCase(Locale.ROOT)
          : p.substring(0, eq).strip().toLowerCase(Locale.ROOT) + "=" + p.substring(eq + 1).strip();
      if (b.length() > 0) {
        b.append(';');
      }
      b.append(norm);
    }
    return b.toString();
  }

  static String canonicalQuery(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      pairs.add(eq < 0 ? new String[] {pair, ""} : new String[] {pair.substring(0, eq), pair.substring(eq + 1)});
    }
    pairs.sort(Comparator.comparing(p -> p[0])); // stable: keeps value order within a name
    StringBuilder b = new StringBuilder();
    for (String[] p : pairs) {
      b.append(p[0]).append('=').append(p[1]).append('&');
    }
    return b.toString();
  }

  static byte[] canonicalBody(byte[] body) {
    if (body.length == 0) {
      return body;
    }
    try {
      JsonNode tree = JSON.readTree(body);
      if (tree == null) {
        return body;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
      try (JsonGenerator g = JSON.createGenerator(out)) {
        writeSorted(g, tree);
      }
      return out.toByteArray();
    } catch (IOException notCanonicalJson) {
      return body;
    }
  }

  private static void writeSorted(JsonGenerator g, JsonNode n) throws IOException {
    if (n.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey(), e.getValue());
      }
      g.writeStartObject();
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        g.writeFieldName(e.getKey());
        writeSorted(g, e.getValue());
      }
      g.writeEndObject();
    } else if (n.isArray()) {
      g.writeStartArray();
      for (JsonNode c : n) {
        writeSorted(g, c);
      }
      g.writeEndArray();
    } else {
      g.writeTree(n);
    }
  }

  private static void field(MessageDigest sha, String s) {
    field(sha, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void field(MessageDigest sha, byte[] b) {
    sha.update(ByteBuffer.allocate(8).putLong(b.length).array());
    sha.update(b);
  }

  private RequestDigest() {}
}

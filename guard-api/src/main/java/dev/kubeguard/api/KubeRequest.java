package dev.kubeguard.api;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * An HTTP request to the Kubernetes API as the Guard sees it: method, request target as sent on
 * the wire (origin form, still percent-encoded: {@code /api/v1/namespaces/x/pods?watch=1}),
 * headers and the whole body.
 *
 * <p>Credentials never enter this type: {@code Authorization}, {@code Proxy-Authorization} and
 * {@code Cookie} are dropped by the constructor, so nothing downstream (policy input, audit
 * events, logs) can leak them. Header names compare case-insensitively.
 *
 * <p>The body is the complete body (adapters deny a request whose body exceeds the Guard's bound
 * rather than pass a truncated one) and is copied in and out, so instances are immutable and
 * thread-safe. {@link #toString()} never prints the body.
 *
 * @param method the HTTP method, upper case
 * @param uri the request target in origin form, percent-encoded as sent
 * @param headers request headers, credentials removed
 * @param body the request body, empty when there is none
 */
public record KubeRequest(String method, String uri, Map<String, List<String>> headers, byte[] body) {

  /** Headers that carry credentials and are never kept. */
  public static final Set<String> CREDENTIAL_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie");

  public KubeRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    method = method.toUpperCase(Locale.ROOT);
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach(
          (k, v) -> {
            if (k != null && !isCredentialHeader(k)) {
              h.merge(k, List.copyOf(v), (a, b) -> concat(a, b));
            }
          });
    }
    headers = java.util.Collections.unmodifiableMap(h);
    body = body == null || body.length == 0 ? NO_BODY : body.clone();
  }

  // shared: an empty array has nothing to change
  private static final byte[] NO_BODY = new byte[0];

  private static final String[] CREDENTIALS = CREDENTIAL_HEADERS.toArray(String[]::new);

  // CREDENTIAL_HEADERS.contains(name.toLowerCase(ROOT)) without a lower-cased copy of every header
  // name of every request. It matches every name that did (and a non-ASCII spelling such as
  // "AUTHORİZATION" besides, which is no HTTP header name): a credential is never kept.
  private static boolean isCredentialHeader(String name) {
    for (String c : CREDENTIALS) {
      if (name.equalsIgnoreCase(c)) {
        return true;
      }
    }
    return false;
  }

  /** A bodiless request. */
  public static KubeRequest of(String method, String uri) {
    return new KubeRequest(method, uri, Map.of(), null);
  }

  /** A request with headers and a body. */
  public static KubeRequest of(String method, String uri, Map<String, List<String>> headers, byte[] body) {
    return new KubeRequest(method, uri, headers, body);
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as a read-only view, for scans that must not copy it on every request. */
  public ByteBuffer bodyView() {
    return ByteBuffer.wrap(body).asReadOnlyBuffer();
  }

  /** The body's length without copying it. */
  public int bodyLength() {
    return body.length;
  }

  /** The first value of a header, or {@code null}. */
  public String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** All values of a header, possibly empty. */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name, List.of());
  }

  /** The path part of {@link #uri()}, still percent-encoded. */
  public String rawPath() {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  /** The query part of {@link #uri()} without {@code ?}, or {@code ""}. */
  public String rawQuery() {
    int q = uri.indexOf('?');
    return q < 0 ? "" : uri.substring(q + 1);
  }

  /** Whether this is a protocol upgrade (WebSocket or SPDY), as exec, attach and port-forward use. */
  public boolean isUpgrade() {
    String upgrade = header("Upgrade");
    if (upgrade != null && !upgrade.isBlank()) {
      return true;
    }
    List<String> connections = headerValues("Connection");
    for (int i = 0; i < connections.size(); i++) { // indexed: no iterator on every request
      for (String token : connections.get(i).split(",")) {
        if (token.trim().equalsIgnoreCase("upgrade")) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KubeRequest r
        && method.equals(r.method)
        && uri.equals(r.uri)
        && headers.equals(r.headers)
        && Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, headers, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "KubeRequest[" + method + " " + uri + ", body=" + body.length + " bytes]";
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}

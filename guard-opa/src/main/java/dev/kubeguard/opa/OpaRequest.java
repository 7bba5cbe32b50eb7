package dev.kubeguard.opa;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One call to OPA's Data API as an {@link OpaTransport} performs it: {@code POST uri} with
 * {@code headers} and the JSON {@code body} ({@code {"input": ...}}), answered within
 * {@code timeout}.
 *
 * <p>{@code headers} carries {@code Content-Type}, {@code Accept} and, when a bearer token is
 * configured, {@code Authorization}; {@link #toString()} never prints header values or the body.
 * Immutable and thread-safe: the body is copied in and out.
 *
 * @param uri the full Data API URL, e.g. {@code http://127.0.0.1:8181/v1/data/kubeguard/decision}
 * @param headers request headers to send (names compare case-insensitively)
 * @param body the UTF-8 JSON request body
 * @param timeout how long the transport may take for the whole exchange
 */
public record OpaRequest(URI uri, Map<String, String> headers, byte[] body, Duration timeout) {

  public OpaRequest {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(timeout, "timeout");
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach((k, v) -> h.put(Objects.requireNonNull(k, "header name"), Objects.requireNonNull(v, k)));
    }
    headers = java.util.Collections.unmodifiableMap(h);
    body = body.clone();
  }

  /** A copy of the JSON body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpaRequest r
        && uri.equals(r.uri)
        && headers.equals(r.headers)
        && java.util.Arrays.equals(body, r.body)
        && timeout.equals(r.timeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uri, headers, java.util.Arrays.hashCode(body), timeout);
  }

  @Override
  public String toString() {
    return "OpaRequest[POST " + uri + ", headers=" + headers.keySet().toString().toLowerCase(Locale.ROOT)
        + ", body=" + body.length + " bytes, timeout=" + timeout + "]";
  }
}

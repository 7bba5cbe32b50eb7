package dev.kubeguard.fabric8;

import dev.kubeguard.api.KubeRequest;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a fabric8 request into the {@link KubeRequest} the Guard judges: the method, the request
 * target exactly as it goes on the wire (raw path and query, never a decoded form), the headers
 * (fabric8 keeps {@code Content-Type} beside them, so it is added), and the whole body.
 *
 * <p>Stateless. A stream body is read once (bounded) and put back on the request as bytes, so
 * the Guard sees what is sent and the request still sends it.
 */
final class RequestReader {

  /** Thrown when the body cannot be read without breaking the request. */
  static final class UnreadableBodyException extends Exception {
    UnreadableBodyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * @param upgrade whether this is a WebSocket handshake: the backend adds the upgrade headers
   *     itself, so they are added here for the Guard to classify exec/attach/port-forward as create
   * @param maxBodyBytes larger stream bodies are read only up to one byte beyond this bound, so the
   *     Guard's own size check denies them
   */
  static KubeRequest read(HttpRequest request, BasicBuilder builder, boolean upgrade, int maxBodyBytes)
      throws UnreadableBodyException {
    byte[] body = null;
    if (request instanceof StandardHttpRequest standard) {
      body = body(standard, builder, maxBodyBytes);
    } else if (request.bodyString() != null) {
      body = request.bodyString().getBytes(StandardCharsets.UTF_8);
    }
    return new KubeRequest(request.method(), target(request.uri()), headers(request, upgrade), body);
  }

  /** The request without its body: what a refusal of an unreadable body records. */
  static KubeRequest withoutBody(HttpRequest request, boolean upgrade) {
    return new KubeRequest(request.method(), target(request.uri()), headers(request, upgrade), null);
  }

  private static Map<String, List<String>> headers(HttpRequest request, boolean upgrade) {
    Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
    if (request instanceof StandardHttpRequest standard && standard.getContentType() != null
        && request.header("Content-Type") == null) {
      headers.put("Content-Type", List.of(standard.getContentType()));
    }
    if (upgrade) {
      headers.put("Connection", List.of("Upgrade"));
      headers.put("Upgrade", List.of("websocket"));
    }
    return headers;
  }

  /** The origin-form request target as sent: raw (still percent-encoded) path and query. */
  static String target(URI uri) {
    String path = uri.getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    String query = uri.getRawQuery();
    return query == null ? path : path + "?" + query;
  }

  private static byte[] body(StandardHttpRequest request, BasicBuilder builder, int maxBodyBytes)
      throws UnreadableBodyException {
    StandardHttpRequest.BodyContent content = request.body();
    if (content == null) {
      return request.bodyString() == null ? null : request.bodyString().getBytes(StandardCharsets.UTF_8);
    }
    if (content instanceof StandardHttpRequest.StringBodyContent s) {
      return s.getContent().getBytes(StandardCharsets.UTF_8);
    }
    if (content instanceof StandardHttpRequest.ByteArrayBodyContent b) {
      return b.getContent();
    }
    if (content instanceof StandardHttpRequest.InputStreamBodyContent s) {
      return restream(request, builder, s.getContent(), maxBodyBytes);
    }
    throw new UnreadableBodyException("request body of type " + content.getClass().getName() + " cannot be inspected", null);
  }

  private static byte[] restream(StandardHttpRequest request, BasicBuilder builder, InputStream in, int maxBodyBytes)
      throws UnreadableBodyException {
    if (!(builder instanceof HttpRequest.Builder rebuild)) {
      throw new UnreadableBodyException("a stream body cannot be put back on this request", null);
    }
    byte[] bytes;
    try {
      bytes = in.readNBytes(maxBodyBytes + 1);
    } catch (IOException e) {
      throw new UnreadableBodyException("request body stream could not be read", e);
    }
    if (bytes.length <= maxBodyBytes) {
      rebuild.method(request.method(), request.getContentType(), new ByteArrayInputStream(bytes), (long) bytes.length);
    }
    // An oversized body stays consumed: the Guard denies it for its size and nothing is sent.
    return bytes;
  }

  private RequestReader() {}
}

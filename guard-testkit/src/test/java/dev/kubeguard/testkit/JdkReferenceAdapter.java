package dev.kubeguard.testkit;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import dev.kubeguard.core.ResponseStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The smallest correct adapter: the JDK's own {@link HttpClient} driven through
 * {@link Guard#begin} and {@link GuardedExchange}, written to show the exchange contract.
 *
 * <ol>
 *   <li>Judge the request as the client will write it: the target is computed the way the JDK
 *       client builds its request line (ASCII form of the URI, no {@code ?} for an empty query),
 *       and the body is read up to {@link Guard#maxRequestBodyBytes()} plus one byte, so an
 *       oversized body is judged as oversized, never truncated into an acceptable one.
 *   <li>Denied: answer the denial's status and bytes; send nothing.
 *   <li>Allowed: drop {@link GuardedExchange#headersToDrop()}, set
 *       {@link GuardedExchange#headersToSet()}, send on a client that never follows redirects (a
 *       followed hop would reach the server unjudged) and speaks HTTP/1.1 only (the JDK's h2c
 *       offer adds an {@code Upgrade} header the Guard did not judge).
 *   <li>Response: {@link GuardedExchange#respond}; a {@code Pass} gets every chunk written through
 *       its stream as it arrives and finished at the end (aborted if the read fails); a
 *       {@code Withhold} replaces the response, which is closed unread.
 *   <li>No response at all: {@link GuardedExchange#failed}, then the failure reaches the caller.
 * </ol>
 *
 * <p><b>Threading:</b> immutable, over one shared JDK client; safe from any thread, each call
 * blocks its caller. <b>Failure:</b> an I/O failure or a body the masker fails mid-stream throws
 * {@link IOException} after the exchange recorded it.
 */
final class JdkReferenceAdapter {

  /** The adapter as it should be. */
  static final JdkReferenceAdapter CORRECT = new JdkReferenceAdapter(jdkClient(HttpClient.Redirect.NEVER), UnaryOperator.identity());

  private final HttpClient client;
  private final UnaryOperator<URI> sentAs;

  /**
   * An adapter over {@code client} whose client sends {@code sentAs} of the URI it was given. Only
   * the kit's own tests pass anything but {@link #CORRECT}'s settings: to prove each case fails
   * for the adapter bug it is about.
   */
  JdkReferenceAdapter(HttpClient client, UnaryOperator<URI> sentAs) {
    this.client = client;
    this.sentAs = sentAs;
  }

  /** One call as {@link AdapterConformanceSuite#call} describes it. */
  AdapterConformanceSuite.Exchange call(Guard guard, Identity identity, URI server, String method,
      String pathAndQuery, Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
    // The JDK client writes non-ASCII characters percent-encoded: judge that form, send that form.
    URI target = URI.create(URI.create(server + pathAndQuery).toASCIIString());
    byte[] judgedBody = body == null ? null : Arrays.copyOf(body, Math.min(body.length, guard.maxRequestBodyBytes() + 1));
    KubeRequest request = new KubeRequest(method, wireTarget(target), multi(headers), judgedBody);
    GuardedExchange exchange = guard.begin(identity, request, CallContext.now());
    if (exchange.denied()) {
      return new AdapterConformanceSuite.Exchange(exchange.statusCode(),
          new String(exchange.statusBody(), StandardCharsets.UTF_8),
          Map.of("Content-Type", List.of("application/json"), GuardedExchange.AUDIT_ID, List.of(exchange.auditId())));
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(forwarded(exchange, sentAs.apply(target), method, headers, body),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      exchange.failed(e);
      throw e;
    }
    return answer(exchange, response);
  }

  /** A JDK client speaking HTTP/1.1 only, following redirects as {@code redirects} says. */
  static HttpClient jdkClient(HttpClient.Redirect redirects) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(redirects)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  // What the JDK client puts in the request line (Http1Request.getPathAndQuery).
  private static String wireTarget(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery();
    return query == null || query.isEmpty() ? path : path + "?" + query;
  }

  private static HttpRequest forwarded(GuardedExchange exchange, URI target, String method,
      Map<String, String> headers, byte[] body) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    out.putAll(headers);
    exchange.headersToDrop().forEach(out::remove);
    out.putAll(exchange.headersToSet());
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    out.forEach(b::header);
    return b.build();
  }

  private static AdapterConformanceSuite.Exchange answer(GuardedExchange exchange, HttpResponse<InputStream> response)
      throws IOException {
    ByteArrayOutputStream caller = new ByteArrayOutputStream();
    String type = response.headers().firstValue("Content-Type").orElse("");
    String encoding = response.headers().firstValue("Content-Encoding").orElse("");
    GuardedExchange.Reply reply = exchange.respond(response.statusCode(), type, encoding, response.statusCode() == 101,
        chunk -> caller.write(bytes(chunk)));
    try (InputStream in = response.body()) {
      if (reply instanceof GuardedExchange.Reply.Withhold w) {
        return new AdapterConformanceSuite.Exchange(w.code(), new String(w.body(), StandardCharsets.UTF_8),
            Map.of("Content-Type", List.of(w.contentType())));
      }
      ResponseStream stream = ((GuardedExchange.Reply.Pass) reply).body();
      pump(in, stream);
    }
    Map<String, List<String>> seen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    seen.putAll(response.headers().map());
    seen.remove("Content-Length"); // the masked body may differ in length
    return new AdapterConformanceSuite.Exchange(response.statusCode(), caller.toString(StandardCharsets.UTF_8), seen);
  }

  // Chunk by chunk as the bytes arrive: never the whole body first.
  private static void pump(InputStream in, ResponseStream stream) throws IOException {
    byte[] buf = new byte[16 * 1024];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        stream.write(ByteBuffer.wrap(buf, 0, n));
      }
      stream.finish();
    } catch (MaskingException e) {
      throw new IOException("kubeguard: response failed masking", e); // already recorded by the stream
    } catch (IOException e) {
      stream.abort("response body failed: " + e.getClass().getSimpleName());
      throw e;
    }
  }

  private static byte[] bytes(ByteBuffer chunk) {
    byte[] b = new byte[chunk.remaining()];
    chunk.get(b);
    return b;
  }

  private static Map<String, List<String>> multi(Map<String, String> headers) {
    Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> m.put(k, List.of(v)));
    return m;
  }
}

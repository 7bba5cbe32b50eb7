package dev.kubeguard.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small stand-in for kube-apiserver that serves the real v1.28 captures by path and records every
 * request it receives. Adapter-neutral (JDK {@link HttpServer} only), so every adapter's
 * conformance test talks to the same server.
 *
 * <p>Routes (namespace {@code shop}):
 * <ul>
 *   <li>{@code GET /api/v1/namespaces/shop/secrets/db-creds}: {@code secret-get.json}
 *   <li>{@code GET /api/v1/namespaces/shop/secrets}: {@code secret-list.json}; with {@code watch}
 *       in the query {@code secret-watch.jsonstream} ({@code application/json;stream=watch}); when
 *       the {@code Accept} header asks for protobuf, {@code secret-list.protobuf.bin}
 *   <li>{@code GET /api/v1/namespaces/shop/pods/web/log}: a short text log holding the marker
 *   <li>{@code GET /api/v1/namespaces/shop/pods/big/log}: {@link #BIG_LOG_BYTES} of text holding the
 *       marker, sent in two halves: the second only once {@link #releaseSecondHalf()} was called
 *       (or after {@link #HALF_WAIT}), so a test can prove the first half reached the caller first
 *   <li>{@code POST /api/v1/namespaces/shop/configmaps}: 201 echoing the request body
 *   <li>any method on a path under {@code /api/v1/namespaces/redirect-<code>/configmaps/hop}
 *       ({@link #redirectPath(int)}) for each code of {@link #REDIRECT_CODES}: that status, with
 *       {@code Location} the absolute URL of {@link #REDIRECT_TARGET} on this server and a small
 *       JSON body; a client that follows it shows up as a request under
 *       {@code /api/v1/namespaces/kube-system/}
 *   <li>anything else: 404 with {@code status-404-notfound.json}
 * </ul>
 * Routes match the raw path as received, never decoded: a path that differs from a route by any
 * byte is a 404.
 * {@link #forceProtobuf()} makes every JSON answer a protobuf one, as a server that ignores
 * {@code Accept} would.
 *
 * <p>What is recorded is what arrived: the request line's target as written, not the JDK's
 * parsed {@link URI} (which reads a leading {@code //} as an authority and drops it from the
 * path). The one limit is the JDK server's own: a target that is no valid URI (a raw space, a bad
 * {@code %} escape, or just {@code //}) is answered 400 before any handler runs and is not
 * recorded. The kit never sends one, but a client may make one of a valid target: OkHttp resolves
 * {@code /a/../..//} to {@code //}. So the judged = sent property runs against a
 * {@link WireRecorder}, which records any request line.
 *
 * <p>Thread-safe; serves requests concurrently. Start with {@link #start()}, stop with
 * {@link #close()}.
 */
public final class FixtureApiServer implements AutoCloseable {

  /** Size of the big log response. */
  public static final int BIG_LOG_BYTES = 20 * 1024 * 1024;

  /** How long the big log waits for the caller to see its first half before sending the rest. */
  public static final long HALF_WAIT = 20;

  /** The redirect statuses {@link #redirectPath(int)} answers. */
  public static final List<Integer> REDIRECT_CODES = List.of(301, 302, 303, 307, 308);

  /** Where every redirect points: a Secret in another namespace, which no redirect may reach. */
  public static final String REDIRECT_TARGET = "/api/v1/namespaces/kube-system/secrets/db";

  private static final String REDIRECT_PREFIX = "/api/v1/namespaces/redirect-";
  private static final String REDIRECT_SUFFIX = "/configmaps/hop";

  /**
   * One request as the server received it. Headers keyed case-insensitively.
   *
   * @param method the method as sent
   * @param uri the request target exactly as it stood in the request line: path and query
   *     undecoded, nothing resolved or re-encoded (bytes beyond ASCII read as UTF-8)
   * @param headers the request headers
   * @param body the request body, empty when there was none
   */
  public record Received(String method, String uri, Map<String, List<String>> headers, byte[] body) {
    public Received {
      TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      h.putAll(headers);
      headers = java.util.Collections.unmodifiableMap(h);
      body = body.clone();
    }

    /** The path part of {@link #uri()}, undecoded. */
    public String path() {
      int q = uri.indexOf('?');
      return q < 0 ? uri : uri.substring(0, q);
    }

    /** The first value of a header, or {@code null}. */
    public String header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fixture-apiserver");
    t.setDaemon(true);
    return t;
  });
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch secondHalf = new CountDownLatch(1);
  private volatile boolean forceProtobuf;
  private volatile boolean secondHalfWaited;

  private FixtureApiServer() throws IOException {
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** A started server over the captured responses of {@link Fixtures}. */
  public static FixtureApiServer start() throws IOException {
    FixtureApiServer s = new FixtureApiServer();
    s.server.start();
    return s;
  }

  /** The base URI, e.g. {@code http://127.0.0.1:40123}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every request received so far, in arrival order. */
  public List<Received> requests() {
    return List.copyOf(received);
  }

  /** How many requests reached the server. */
  public int count() {
    return received.size();
  }

  /** Answer protobuf whatever the request asked for. */
  public void forceProtobuf() {
    forceProtobuf = true;
  }

  /** Lets the big log send its second half. */
  public void releaseSecondHalf() {
    secondHalf.countDown();
  }

  /** Whether the big log had to wait out {@link #HALF_WAIT} because nobody released it. */
  public boolean secondHalfTimedOut() {
    return secondHalfWaited;
  }

  /** The path answered with {@code code} redirecting to {@link #REDIRECT_TARGET}. */
  public static String redirectPath(int code) {
    if (!REDIRECT_CODES.contains(code)) {
      throw new IllegalArgumentException("no redirect route for " + code + "; one of " + REDIRECT_CODES);
    }
    return REDIRECT_PREFIX + code + REDIRECT_SUFFIX;
  }

  /** The bytes of a fixture file. */
  public byte[] fixture(String name) {
    return Fixtures.bytes(name);
  }

  @Override
  public void close() {
    secondHalf.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String target = requestTarget(ex);
      received.add(new Received(ex.getRequestMethod(), target, copy(ex.getRequestHeaders()), body));
      route(ex, target, body);
    }
  }

  /**
   * The target as the request line held it. {@link URI#toString()} of a URI parsed from a string
   * is that string unchanged, and the JDK server builds the request's URI from the request line
   * with one char per byte, so the bytes come back exactly and are read as UTF-8.
   */
  private static String requestTarget(HttpExchange ex) {
    String line = ex.getRequestURI().toString();
    return new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private void route(HttpExchange ex, String target, byte[] body) throws IOException {
    String method = ex.getRequestMethod();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    String accept = String.valueOf(ex.getRequestHeaders().getFirst("Accept")).toLowerCase(Locale.ROOT);
    boolean protobuf = forceProtobuf || accept.contains("application/vnd.kubernetes.protobuf");
    ex.getResponseHeaders().add("Audit-Id", String.valueOf(ex.getRequestHeaders().getFirst("Audit-ID")));
    Integer redirect = redirectCode(path);
    if (redirect != null) {
      ex.getResponseHeaders().set("Location", uri() + REDIRECT_TARGET);
      reply(ex, redirect, "application/json", ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\","
          + "\"message\":\"moved to " + REDIRECT_TARGET + "\",\"code\":" + redirect + "}").getBytes(StandardCharsets.UTF_8));
    } else if (method.equals("GET") && path.equals("/api/v1/namespaces/shop/secrets/db-creds")) {
      send(ex, 200, protobuf, "secret-get.json");
    } else if (method.equals("GET") && path.equals("/api/v1/namespaces/shop/secrets") && accept.contains("as=table")) {
      reply(ex, 200, "application/json", fixture(query.contains("includeObject=Object")
          ? "secret-list-table-includeObject.json" : "secret-list-table.json"));
    } else if (method.equals("GET") && path.equals("/apis/apps/v1/namespaces/shop/deployments/web")) {
      send(ex, 200, protobuf, "deployment-get.json");
    } else if (method.equals("GET") && path.equals("/api/v1/namespaces/shop/configmaps/app-config")) {
      send(ex, 200, protobuf, "configmap-get.json");
    } else if (method.equals("POST") && path.equals("/api/v1/namespaces/shop/serviceaccounts/deployer/token")) {
      send(ex, 201, protobuf, "serviceaccount-tokenrequest.json");
    } else if (method.equals("PATCH") && path.equals("/api/v1/namespaces/shop/secrets/db-creds")) {
      String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
      send(ex, 200, protobuf, type.startsWith("application/apply-patch")
          ? "secret-serverside-apply-response.json" : "secret-merge-patch-response.json");
    } else if (method.equals("GET") && path.equals("/api/v1/namespaces/shop/secrets")) {
      if (query.contains("watch")) {
        reply(ex, 200, protobuf ? "application/vnd.kubernetes.protobuf;stream=watch" : "application/json;stream=watch",
            protobuf ? fixture("secret-list.protobuf.bin") : fixture("secret-watch.jsonstream"));
      } else {
        send(ex, 200, protobuf, "secret-list.json");
      }
    } else if (method.equals("GET") && path.equals("/api/v1/namespaces/shop/pods/web/log")) {
      reply(ex, 200, "text/plain", ("starting\nconnecting with password " + MarkerMasker.MARKER + "-Pa55w0rd!\nready\n")
          .getBytes(StandardCharsets.UTF_8));
    } else if (method.equals("GET") && path.equals("/api/v1/namespaces/shop/pods/big/log")) {
      bigLog(ex);
    } else if (method.equals("POST") && path.equals("/api/v1/namespaces/shop/configmaps")) {
      reply(ex, 201, "application/json", body);
    } else {
      reply(ex, 404, "application/json", fixture("status-404-notfound.json"));
    }
  }

  // The code of a redirect route the path lies under (the route itself or anything below it).
  private static Integer redirectCode(String path) {
    for (int code : REDIRECT_CODES) {
      String route = REDIRECT_PREFIX + code + REDIRECT_SUFFIX;
      if (path.equals(route) || path.startsWith(route + "/")) {
        return code;
      }
    }
    return null;
  }

  private void send(HttpExchange ex, int code, boolean protobuf, String jsonFixture) throws IOException {
    if (protobuf) {
      reply(ex, code, "application/vnd.kubernetes.protobuf", fixture("secret-list.protobuf.bin"));
    } else {
      reply(ex, code, "application/json", fixture(jsonFixture));
    }
  }

  private static void reply(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  // Lines of 64 bytes, each holding the marker, streamed chunked in two halves.
  private void bigLog(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/plain");
    ex.sendResponseHeaders(200, 0);
    byte[] line = bigLogLine();
    int lines = BIG_LOG_BYTES / line.length;
    try (OutputStream out = ex.getResponseBody()) {
      for (int i = 0; i < lines; i++) {
        if (i == lines / 2) {
          out.flush();
          try {
            if (!secondHalf.await(HALF_WAIT, TimeUnit.SECONDS)) {
              secondHalfWaited = true;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        out.write(line);
      }
    }
  }

  /** One line of the big log: 64 bytes holding the marker once. */
  public static byte[] bigLogLine() {
    String prefix = "log line with password " + MarkerMasker.MARKER + " ";
    return (prefix + "x".repeat(63 - prefix.length()) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static Map<String, List<String>> copy(Headers headers) {
    Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    return out;
  }
}

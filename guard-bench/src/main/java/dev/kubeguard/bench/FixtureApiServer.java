package dev.kubeguard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for kube-apiserver for benchmarks: answers GETs of fixed paths with fixed
 * JSON bodies (real captures), everything else with a 404 {@code Status}. Keeps connections alive
 * and writes each body in one go, so the server side costs the same for every client measured.
 *
 * <p>Serves from a fixed pool of two daemon threads; {@link #close()} stops it. Thread-safe.
 */
final class FixtureApiServer implements AutoCloseable {

  static {
    // The JDK server leaves Nagle on by default: headers and body in two segments then wait out
    // the client's delayed ACK (~40 ms), which would swamp the microseconds we measure.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final byte[] NOT_FOUND =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"not found\",\"reason\":\"NotFound\",\"code\":404}"
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService pool;

  /** Starts serving {@code bodies} (request path to response body) on an ephemeral loopback port. */
  FixtureApiServer(Map<String, byte[]> bodies) throws IOException {
    Map<String, byte[]> routes = Map.copyOf(bodies);
    AtomicInteger n = new AtomicInteger();
    pool = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "fixture-apiserver-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", exchange -> answer(exchange, routes));
    server.setExecutor(pool);
    server.start();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  String url() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, Map<String, byte[]> routes) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      byte[] body = "GET".equals(exchange.getRequestMethod()) ? routes.get(exchange.getRequestURI().getPath()) : null;
      int code = body == null ? 404 : 200;
      if (body == null) {
        body = NOT_FOUND;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
      exchange.sendResponseHeaders(code, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}

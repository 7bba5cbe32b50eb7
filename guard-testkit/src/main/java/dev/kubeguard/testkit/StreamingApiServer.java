package dev.kubeguard.testkit;

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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A loopback stand-in for kube-apiserver that streams bodies of any size without holding them:
 * each route's body comes from a fresh {@link InputStream} per request and is sent chunked (no
 * {@code Content-Length}), 64 KB at a time, as fast as the client reads. For the adapters'
 * constant-memory tests, where the body is generated lazily and must never exist whole on either
 * side. Paths match exactly (the query is ignored); anything else is a 404 Status.
 *
 * <p><b>Threading:</b> serves requests on its own daemon threads; routes are fixed at
 * {@link #start}. <b>Failure:</b> a body stream that throws ends the response mid-body (the client
 * sees a truncated chunked body, never a complete one). {@link #close} stops it at once.
 */
public final class StreamingApiServer implements AutoCloseable {

  /** One route's answer: its content type and where each request's body comes from. */
  public record Route(String contentType, Supplier<InputStream> body) {}

  private static final byte[] NOT_FOUND =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kubeguard-streaming-api-server");
    t.setDaemon(true);
    return t;
  });

  private StreamingApiServer(Map<String, Route> routes) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", exchange -> serve(routes.get(exchange.getRequestURI().getRawPath()), exchange));
  }

  /** A started server answering {@code routes} (by exact path). */
  public static StreamingApiServer start(Map<String, Route> routes) throws IOException {
    StreamingApiServer s = new StreamingApiServer(Map.copyOf(routes));
    s.server.start();
    return s;
  }

  /** The absolute URL of {@code path} on this server. */
  public String url(String path) {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path;
  }

  private static void serve(Route route, HttpExchange exchange) throws IOException {
    try (exchange) {
      if (route == null) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(404, NOT_FOUND.length);
        exchange.getResponseBody().write(NOT_FOUND);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", route.contentType());
      // 0: chunked, so the body's length is never needed up front
      exchange.sendResponseHeaders(200, 0);
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = route.body().get(); OutputStream out = exchange.getResponseBody()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

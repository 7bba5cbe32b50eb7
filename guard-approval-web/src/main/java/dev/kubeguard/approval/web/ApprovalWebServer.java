package dev.kubeguard.approval.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApprovalWeb} on the JDK's own HTTP server ({@code com.sun.net.httpserver}), for hosts
 * without a servlet container: {@code ApprovalWebServer.start(web, new InetSocketAddress("0.0.0.0",
 * 8443), "/kubeguard/approvals", sslContext)}. Pass an {@link SSLContext} to serve HTTPS (do, unless
 * a TLS proxy is in front: approvers send their tokens here).
 *
 * <p>Turns on TCP_NODELAY for the JDK's HTTP server ({@code sun.net.httpserver.nodelay}) unless
 * the host has set that property: the JDK writes a response's headers and body apart, and with
 * Nagle on the body waits out the browser's delayed ACK, about 40 ms a response on a kept-alive
 * connection. The JDK reads the property once, when its first HTTP server starts.
 *
 * <p>Thread-safe. Serves on a fixed pool of daemon threads; {@link #close()} stops accepting and
 * waits at most a second for exchanges in flight. Failure: {@link #start} throws
 * {@link IOException} when the port cannot be bound.
 */
public final class ApprovalWebServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApprovalWebServer.class);
  private static final int THREADS = 8;

  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService pool;
  private final String base;
  private final boolean https;

  private ApprovalWebServer(HttpServer server, ExecutorService pool, String base, boolean https) {
    this.server = server;
    this.pool = pool;
    this.base = base;
    this.https = https;
  }

  /** Serves plain HTTP (behind a TLS proxy, or on loopback). */
  public static ApprovalWebServer start(ApprovalWeb web, InetSocketAddress address, String basePath) throws IOException {
    return start(web, address, basePath, null);
  }

  /**
   * Serves {@code web} under {@code basePath} (for example {@link ApprovalWeb#DEFAULT_BASE_PATH})
   * at {@code address} (port 0 picks a free one), over HTTPS when {@code tls} is given.
   */
  public static ApprovalWebServer start(ApprovalWeb web, InetSocketAddress address, String basePath, SSLContext tls)
      throws IOException {
    if (web == null || address == null) {
      throw new IllegalArgumentException("ApprovalWebServer needs the ApprovalWeb to serve and an address");
    }
    String base = basePath == null ? "" : basePath.replaceAll("/+$", "");
    if (!base.isEmpty() && !base.matches("(/[A-Za-z0-9._~-]+)+")) {
      throw new IllegalArgumentException("basePath must look like /kubeguard/approvals (segments of letters, digits, . _ ~ -), got " + basePath);
    }
    HttpServer server;
    if (tls != null) {
      HttpsServer s = HttpsServer.create(address, 0);
      s.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = s;
    } else {
      server = HttpServer.create(address, 0);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "kubeguard-approvals-web-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext(base.isEmpty() ? "/" : base, exchange -> serve(web, base, exchange));
    server.start();
    return new ApprovalWebServer(server, pool, base, tls != null);
  }

  private static void serve(ApprovalWeb web, String base, HttpExchange ex) throws IOException {
    try (ex) {
      String raw = ex.getRequestURI().getRawPath();
      String path = raw.substring(Math.min(base.length(), raw.length()));
      if (!path.isEmpty() && !path.startsWith("/")) {
        // The JDK matches contexts by prefix: /kubeguard/approvalsX is not ours.
        ex.sendResponseHeaders(404, -1);
        return;
      }
      Map<String, String> headers = new HashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> {
        if (!v.isEmpty()) {
          headers.put(k.toLowerCase(Locale.ROOT), v.get(0));
        }
      });
      byte[] body;
      boolean tooLarge;
      try (InputStream in = ex.getRequestBody()) {
        byte[] read = in.readNBytes(ApprovalWeb.MAX_BODY_BYTES + 1);
        tooLarge = read.length > ApprovalWeb.MAX_BODY_BYTES;
        body = tooLarge ? new byte[0] : read;
      }
      String remote = ex.getRemoteAddress() == null ? "" : ex.getRemoteAddress().getAddress().getHostAddress();
      WebResponse r = web.handle(new WebRequest(ex.getRequestMethod(), base, path, ex.getRequestURI().getRawQuery(), headers,
          cookies(ex.getRequestHeaders().get("Cookie")), body, tooLarge, ex instanceof HttpsExchange, remote));
      r.headers.forEach((k, v) -> ex.getResponseHeaders().put(k, List.copyOf(v)));
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(r.status, head || r.body.length == 0 ? -1 : r.body.length);
      if (!head && r.body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("kubeguard: an approvals page exchange ended early: {}", e.getClass().getName());
      throw e;
    }
  }

  private static Map<String, String> cookies(List<String> headers) {
    Map<String, String> out = new HashMap<>();
    if (headers != null) {
      for (String h : headers) {
        for (String part : h.split(";")) {
          int eq = part.indexOf('=');
          if (eq > 0) {
            out.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
          }
        }
      }
    }
    return out;
  }

  /** The port it listens on (the one picked when started with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The page's URL on loopback, for tests and for printing: {@code http://127.0.0.1:<port><base>/}. */
  public URI url() {
    return URI.create((https ? "https" : "http") + "://127.0.0.1:" + port() + base + "/");
  }

  @Override
  public void close() {
    server.stop(1);
    pool.shutdownNow();
  }
}

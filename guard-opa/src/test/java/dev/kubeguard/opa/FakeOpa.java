package dev.kubeguard.opa;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 that speaks OPA's Data API format: it records every request and
 * answers with whatever status and body the test set. It can also hold its answer until released,
 * to act as an OPA that is too slow.
 */
final class FakeOpa implements AutoCloseable {

  /** One request as the server received it. */
  record Received(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile int status = 200;
  private volatile String answer = "{}";
  private volatile long holdMillis;

  FakeOpa() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        requests.incrementAndGet();
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
            Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
        if (holdMillis > 0) {
          release.await(holdMillis, TimeUnit.MILLISECONDS);
        }
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client gave up (timeout test): nothing to answer
      }
    });
    server.start();
  }

  /** Answers every request with {@code status} and {@code body}. */
  FakeOpa answer(int status, String body) {
    this.status = status;
    this.answer = body;
    return this;
  }

  /** Holds every answer up to {@code millis} (released early by {@link #close()}). */
  FakeOpa hold(long millis) {
    this.holdMillis = millis;
    return this;
  }

  URI url(String dataPath) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/data/" + dataPath);
  }

  List<Received> received() {
    return received;
  }

  int requestCount() {
    return requests.get();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    pool.shutdownNow();
  }
}

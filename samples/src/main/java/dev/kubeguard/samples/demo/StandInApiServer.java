package dev.kubeguard.samples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for kube-apiserver on loopback, answering the demo's few requests with responses
 * captured from a real v1.28 cluster. It remembers what reached it, so the demo can show that
 * denied requests never did.
 */
final class StandInApiServer implements AutoCloseable {

  private static final Map<String, String> GETS = Map.of(
      "/api/v1/namespaces/shop/secrets/db-creds", "secret-get.json",
      "/apis/apps/v1/namespaces/shop/deployments/web", "deployment-get.json");

  // fabric8 waits for a pod to be ready before it opens an exec session.
  private static final String POD = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-1\","
      + "\"namespace\":\"shop\",\"resourceVersion\":\"300\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]},"
      + "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
      + "\"containerStatuses\":[{\"name\":\"web\",\"ready\":true,\"image\":\"nginx\",\"imageID\":\"\",\"restartCount\":0}]}}";
  private static final String PODS = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"300\"},\"items\":[" + POD + "]}";

  private final HttpServer server;
  private final List<String> received = new CopyOnWriteArrayList<>();

  StandInApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** "METHOD path" of every request that reached the server. */
  List<String> received() {
    return List.copyOf(received);
  }

  private void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    received.add(ex.getRequestMethod() + " " + path);
    ex.getRequestBody().readAllBytes();
    String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
    if (ex.getRequestMethod().equals("GET") && path.startsWith("/api/v1/namespaces/shop/pods")) {
      reply(ex, 200, query.contains("watch") ? "" : path.endsWith("/web-1") ? POD : PODS);
      return;
    }
    String file = switch (ex.getRequestMethod()) {
      case "GET" -> GETS.get(path);
      case "DELETE" -> path.startsWith("/apis/apps/v1/namespaces/shop/deployments/") ? "secret-delete-response.json" : null;
      default -> null;
    };
    byte[] body = file != null ? capture(file)
        : ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"not found\","
            + "\"reason\":\"NotFound\",\"code\":404}").getBytes(StandardCharsets.UTF_8);
    reply(ex, file != null ? 200 : 404, body);
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    reply(ex, code, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange ex, int code, byte[] body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  static byte[] capture(String name) {
    try (InputStream in = StandInApiServer.class.getResourceAsStream("/demo/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

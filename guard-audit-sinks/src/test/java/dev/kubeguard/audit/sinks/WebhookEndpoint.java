package dev.kubeguard.audit.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A real audit webhook receiver for tests: HTTPS with the test CA, requiring a client certificate
 * that chains to it, decoding each POSTed {@code audit.k8s.io/v1 EventList}. Scripted answers
 * (500, 429 with Retry-After, slow) are taken from a queue, then 200. Only batches answered 2xx
 * count as received, as a real collector keeps only what it acknowledged. Can be stopped and
 * restarted on the same port.
 *
 * <p>Like a real collector it keeps a batch before its answer is on the wire, so a batch whose
 * answer may never have reached the client (writing it failed, or the server was stopped while
 * answering) is kept and also listed in {@link #answersInDoubt()}: the only batches the client
 * may rightly send again.
 */
final class WebhookEndpoint implements AutoCloseable {

  /** One scripted answer. */
  record Answer(int status, String retryAfter, long delayMillis) {
    static Answer status(int s) {
      return new Answer(s, null, 0);
    }

    static Answer tooManyRequests(String retryAfter) {
      return new Answer(429, retryAfter, 0);
    }

    static Answer slow(long millis) {
      return new Answer(200, null, millis);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SSLContext tls;
  private final ConcurrentLinkedDeque<Answer> script = new ConcurrentLinkedDeque<>();
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final List<String> clients = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger stops = new AtomicInteger();
  private final List<String> answersInDoubt = new CopyOnWriteArrayList<>();
  private int port;
  private HttpsServer server;

  WebhookEndpoint() throws Exception {
    this.tls = TlsContexts.forConfig(
        new WebhookConfig(
            URI.create("https://localhost"), Pem.certificates(SinkTestEvents.tls("ca.pem"), "ca"),
            Pem.certificates(SinkTestEvents.tls("server.pem"), "server"),
            Pem.privateKey(SinkTestEvents.tls("server-key.pem"), "server key"), null));
    start();
  }

  void start() throws IOException {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/audit", this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  void stop() {
    stops.incrementAndGet();
    server.stop(0);
  }

  void restart() throws IOException {
    stop();
    start();
  }

  URI uri() {
    return URI.create("https://localhost:" + port + "/audit");
  }

  void script(Answer... answers) {
    script.addAll(List.of(answers));
  }

  List<JsonNode> received() {
    return received;
  }

  List<String> auditIds() {
    List<String> ids = new ArrayList<>();
    received.forEach(e -> ids.add(e.path("auditID").asText()));
    return ids;
  }

  List<String> clientSubjects() {
    return clients;
  }

  List<String> authorizations() {
    return authorizations;
  }

  int requests() {
    return requests.get();
  }

  /** The auditIDs of kept batches whose 2xx answer may not have reached the client. */
  List<String> answersInDoubt() {
    return answersInDoubt;
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    int stopsAtStart = stops.get();
    List<String> kept = new ArrayList<>();
    boolean answered = false;
    try {
      try (ex) {
        byte[] body = ex.getRequestBody().readAllBytes();
        X509Certificate client = (X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0];
        Answer a = script.poll();
        if (a == null) {
          a = Answer.status(200);
        }
        if (a.delayMillis() > 0) {
          try {
            Thread.sleep(a.delayMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        if (a.retryAfter() != null) {
          ex.getResponseHeaders().add("Retry-After", a.retryAfter());
        }
        if (a.status() / 100 == 2) {
          JsonNode list = JSON.readTree(body);
          if (!"EventList".equals(list.path("kind").asText()) || !"audit.k8s.io/v1".equals(list.path("apiVersion").asText())
              || !"application/json".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            ex.sendResponseHeaders(400, -1);
            return;
          }
          clients.add(client.getSubjectX500Principal().getName());
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          authorizations.add(auth == null ? "" : auth);
          list.path("items").forEach(e -> {
            received.add(e);
            kept.add(e.path("auditID").asText());
          });
        }
        ex.sendResponseHeaders(a.status(), -1);
      }
      answered = true; // the exchange closed: the answer is on the wire
    } finally {
      if (!kept.isEmpty() && (!answered || stops.get() != stopsAtStart)) {
        answersInDoubt.addAll(kept);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}

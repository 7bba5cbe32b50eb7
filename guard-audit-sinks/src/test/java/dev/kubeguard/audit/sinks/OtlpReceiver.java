package dev.kubeguard.audit.sinks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OTLP/HTTP logs receiver for tests: decodes each {@code POST /v1/logs} body with the
 * OpenTelemetry proto classes and keeps the records of requests it answered 200; scripted
 * answers (500, 429, slow) come first. Can be stopped and restarted on the same port.
 */
final class OtlpReceiver implements AutoCloseable {

  /** One received record with the resource it came under. */
  record Received(Resource resource, LogRecord record) {}

  private final ConcurrentLinkedDeque<Integer> script = new ConcurrentLinkedDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;
  private int port;

  OtlpReceiver() throws IOException {
    start();
  }

  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/v1/logs", this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/v1/logs");
  }

  /** Answers for the next requests: a status code, or a negative number of milliseconds to delay a 200. */
  void script(Integer... answers) {
    script.addAll(List.of(answers));
  }

  List<Received> received() {
    return received;
  }

  int requests() {
    return requests.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      Integer a = script.poll();
      int status = a == null || a < 0 ? 200 : a;
      if (a != null && a < 0) {
        try {
          Thread.sleep(-a);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (status != 200) {
        if (status == 429) {
          ex.getResponseHeaders().add("Retry-After", "0");
        }
        ex.sendResponseHeaders(status, -1);
        return;
      }
      if (!"application/x-protobuf".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
        ex.sendResponseHeaders(415, -1);
        return;
      }
      ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(body);
      for (ResourceLogs rl : req.getResourceLogsList()) {
        for (ScopeLogs sl : rl.getScopeLogsList()) {
          for (LogRecord r : sl.getLogRecordsList()) {
            received.add(new Received(rl.getResource(), r));
          }
        }
      }
      byte[] ok = ExportLogsServiceResponse.getDefaultInstance().toByteArray();
      ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
      if (ok.length > 0) {
        ex.getResponseBody().write(ok);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}

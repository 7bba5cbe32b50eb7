package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.testkit.MarkerMasker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many callers, one shared base client: every request is judged and recorded as its own caller's. */
class ConcurrentCallersTest {

  private static final int CALLERS = 16;
  private static final int CALLS_EACH = 8;

  private final MockWebServer server = new MockWebServer();
  private final Map<String, String> auditIdToCallerOnTheWire = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        auditIdToCallerOnTheWire.put(request.getHeaders().get("Audit-ID"), request.getUrl().queryParameter("caller"));
        return CapturedResponses.json("secret-get.json");
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void concurrentCallersOnDerivedClientsAreEachJudgedAndRecordedAsThemselves() throws Exception {
    List<AuditEvent> events = new CopyOnWriteArrayList<>();
    Guard guard = Guard.builder().policy(q -> Decision.allow()).recorder(events::add).masker(new MarkerMasker()).build();
    OkHttpClient shared = new OkHttpClient();
    ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<String>>> results = new ArrayList<>();
    try {
      for (int i = 0; i < CALLERS; i++) {
        String user = "user-" + i;
        OkHttpClient mine = GuardedOkHttp.forIdentity(shared, guard, Identity.of(user, "developers"));
        results.add(pool.submit(() -> {
          go.await();
          List<String> bodies = new ArrayList<>();
          for (int n = 0; n < CALLS_EACH; n++) {
            Request r = new Request.Builder()
                .url(server.url("/api/v1/namespaces/shop/secrets/db-creds?caller=" + user)).build();
            try (Response response = mine.newCall(r).execute()) {
              bodies.add(response.code() + " " + response.body().string().contains(MarkerMasker.MARKER));
            }
          }
          return bodies;
        }));
      }
      go.countDown();
      for (Future<List<String>> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).containsOnly("200 false");
      }
    } finally {
      pool.shutdownNow();
    }

    List<AuditEvent> received = events.stream().filter(e -> e.stage() == AuditEvent.Stage.RequestReceived).toList();
    assertThat(received).hasSize(CALLERS * CALLS_EACH);
    for (AuditEvent e : received) {
      String caller = e.requestUri().substring(e.requestUri().indexOf("caller=") + "caller=".length());
      assertThat(e.user().user()).isEqualTo(caller);
      assertThat(auditIdToCallerOnTheWire).containsEntry(e.auditId(), caller);
    }
  }
}

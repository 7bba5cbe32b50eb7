package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.mask.DefaultMasker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Masked bodies read by turns on one thread each arrive as they do read alone: the guard's reads
 * share the thread's chunk array, which must never carry one body's bytes into another.
 */
class InterleavedBodiesTest {

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String which = request.getUrl().queryParameter("list");
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
            .body(configMapList(which, 400)).build();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void bodiesReadByTurnsOnOneThreadEachEqualTheBodyReadAlone() throws Exception {
    Guard guard = Guard.builder()
        .policy(q -> Decision.allow())
        .masker(DefaultMasker.builder().key("interleaved-bodies-test-key-32-bytes".getBytes(StandardCharsets.US_ASCII)).build())
        .build();
    OkHttpClient client = GuardedOkHttp.forIdentity(new OkHttpClient(), guard, Identity.of("alice"));
    String aloneA = readAll(client, "a");
    String aloneB = readAll(client, "b");
    assertThat(aloneA).contains("kubeguard-masked:").doesNotContain("hunter2-a");
    assertThat(aloneB).contains("kubeguard-masked:").doesNotContain("hunter2-b");

    try (Response a = client.newCall(get("a")).execute(); Response b = client.newCall(get("b")).execute()) {
      BufferedSource sa = a.body().source();
      BufferedSource sb = b.body().source();
      Buffer outA = new Buffer();
      Buffer outB = new Buffer();
      boolean doneA = false;
      boolean doneB = false;
      while (!doneA || !doneB) {
        // uneven steps, so the two bodies' chunk boundaries never line up
        doneA = doneA || sa.read(outA, 700) < 0;
        doneB = doneB || sb.read(outB, 1900) < 0;
      }
      assertThat(outA.readUtf8()).isEqualTo(aloneA);
      assertThat(outB.readUtf8()).isEqualTo(aloneB);
    }
  }

  private Request get(String which) {
    return new Request.Builder().url(server.url("/api/v1/namespaces/shop/configmaps?list=" + which)).build();
  }

  private String readAll(OkHttpClient client, String which) throws IOException {
    try (Response r = client.newCall(get(which)).execute()) {
      return r.body().string();
    }
  }

  /** A ConfigMapList of {@code items} whose values hold a password (masked) and plain text (kept). */
  private static String configMapList(String which, int items) {
    StringBuilder b = new StringBuilder("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[");
    for (int i = 0; i < items; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"metadata\":{\"name\":\"cm-").append(which).append('-').append(i)
          .append("\",\"namespace\":\"shop\"},\"data\":{\"app.properties\":\"db.password=hunter2-")
          .append(which).append(i).append("\\nlog.level=info-").append(which).append(i).append("\"}}");
    }
    return b.append("]}").toString();
  }
}

package dev.kubeguard.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.core.Guard;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.ByteArrayBodyHandler;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The orders in which fabric8's backends hand over a body's chunks, its headers ({@code after})
 * and its end ({@code done()}), played one by one into fabric8's own byte-array consumer, the one
 * every typed call ({@code get()}, {@code list()}) assembles its answer with. Jetty produces each
 * of these against a local server; here each is produced every time.
 */
class BodyEndOrderTest {

  private static final String BODY = "{\"kind\":\"ConfigMap\",\"data\":{\"value\":\"s3cr3t\"}}";
  private static final String MASKED = BODY.replace(MarkerMasker.MARKER, MarkerMasker.MASK);

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final Guard guard = Guard.builder().masker(new MarkerMasker()).recorder(events::add)
      .policy(q -> Decision.allow("all", "tests").withObligations(Obligations.defaults().withMaskingProfile("test")))
      .build();
  private final Body body = new Body();
  private final Consumer downstream = new Consumer();
  private final MaskingConsumer masking = new MaskingConsumer(
      guard.begin(Identity.of("bob"), KubeRequest.of("GET", "/api/v1/namespaces/shop/configmaps/web"), CallContext.now()),
      downstream);

  @Test
  void aBodyThatEndedBeforeItsHeadersWereHandledReachesTheCallerWholeAndMasked() throws Exception {
    masking.consume(chunks(BODY.substring(0, 20), BODY.substring(20)), body);
    body.done.complete(null);

    masking.onResponse(response("application/json", null));
    downstream.onResponse(response("application/json", null));

    assertThat(downstream.text()).isEqualTo(MASKED);
    assertThat(events).anySatisfy(e -> assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete));
  }

  @Test
  void aBodyWithheldAfterItAlreadyEndedFailsTheCallInsteadOfReadingAsEmpty() throws Exception {
    masking.consume(chunks(BODY), body);
    body.done.complete(null);

    // A compressed body cannot be masked: it is withheld.
    masking.onResponse(response("application/json", null, "gzip"));
    downstream.onResponse(response("application/json", null, "gzip"));

    assertThat(catchThrowable(() -> downstream.getResult().get())).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(500));
  }

  @Test
  void aBodyThatFailedBeforeItsHeadersWereHandledFailsTheCall() throws Exception {
    masking.consume(chunks(BODY.substring(0, 10)), body);
    body.done.completeExceptionally(new IOException("connection reset"));

    masking.onResponse(response("application/json", null));
    downstream.onResponse(response("application/json", null));

    assertThat(catchThrowable(() -> downstream.getResult().get())).hasRootCauseMessage("connection reset");
  }

  @Test
  void theTailOfABodyOfDeclaredLengthGoesOutWithItsLastChunkSoTheOrderOfDoneListenersCannotCutIt() throws Exception {
    // The whole body comes before after(), but the backend reports its end only once fabric8's
    // consumer is listening: that listener was registered after ours, so it runs first.
    masking.consume(chunks(BODY), body);
    String length = Integer.toString(BODY.getBytes(StandardCharsets.UTF_8).length);
    masking.onResponse(response("application/json", length));
    downstream.onResponse(response("application/json", length));
    body.done.complete(null);

    assertThat(downstream.text()).isEqualTo(MASKED);
  }

  @Test
  void aBodyOfDeclaredLengthThatArrivesChunkByChunkAfterItsHeadersIsWhole() throws Exception {
    String length = Integer.toString(BODY.getBytes(StandardCharsets.UTF_8).length);
    masking.onResponse(response("application/json", length));
    downstream.onResponse(response("application/json", length));
    for (int i = 0; i < BODY.length(); i += 7) {
      masking.consume(chunks(BODY.substring(i, Math.min(BODY.length(), i + 7))), body);
    }
    body.done.complete(null);

    assertThat(downstream.text()).isEqualTo(MASKED);
    assertThat(events).filteredOn(e -> e.stage() == AuditEvent.Stage.ResponseComplete).hasSize(1);
  }

  @Test
  void theBytesAndEndOfAResponseFabric8ResentDoNotBecomeTheBodyOfTheOneItSentInstead() throws Exception {
    // A 401 answered by a token refresh: fabric8 cancels it and resends through the same consumer,
    // and after() is told only of the second response. Jetty may push the first one's bytes first.
    Body first = new Body();
    masking.consume(chunks("{\"kind\":\"Status\",\"code\":401,\"message\":\"s3cr3t-expired\"}"), first);
    first.done.complete(null);

    masking.onResponse(response(body, "application/json", null, null));
    downstream.onResponse(response(body, "application/json", null, null));
    masking.consume(chunks(BODY), body);
    body.done.complete(null);

    assertThat(downstream.text()).isEqualTo(MASKED);
  }

  @Test
  void aLateChunkOfASupersededResponseIsRefusedAndTheCurrentOneIsUnchanged() throws Exception {
    Body first = new Body();
    masking.onResponse(response(body, "application/json", null, null));
    downstream.onResponse(response(body, "application/json", null, null));

    assertThat(catchThrowable(() -> masking.consume(chunks("{\"kind\":\"Status\"}"), first)))
        .isInstanceOf(IOException.class).hasMessageContaining("another response");
    first.done.complete(null);
    masking.consume(chunks(BODY), body);
    body.done.complete(null);

    assertThat(downstream.text()).isEqualTo(MASKED);
  }

  private static List<ByteBuffer> chunks(String... parts) {
    return java.util.Arrays.stream(parts).map(p -> ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8))).toList();
  }

  private HttpResponse<AsyncBody> response(String contentType, String contentLength) {
    return response(contentType, contentLength, null);
  }

  private HttpResponse<AsyncBody> response(String contentType, String contentLength, String contentEncoding) {
    return response(body, contentType, contentLength, contentEncoding);
  }

  private HttpResponse<AsyncBody> response(Body of, String contentType, String contentLength, String contentEncoding) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Content-Type", List.of(contentType));
    if (contentLength != null) {
      headers.put("Content-Length", List.of(contentLength));
    }
    if (contentEncoding != null) {
      headers.put("Content-Encoding", List.of(contentEncoding));
    }
    return new HttpResponse<>() {
      @Override
      public int code() {
        return 200;
      }

      @Override
      public AsyncBody body() {
        return of;
      }

      @Override
      public HttpRequest request() {
        return null;
      }

      @Override
      public Optional<HttpResponse<?>> previousResponse() {
        return Optional.empty();
      }

      @Override
      public List<String> headers(String key) {
        return headers.getOrDefault(key, List.of());
      }

      @Override
      public Map<String, List<String>> headers() {
        return headers;
      }
    };
  }

  /** A backend's body: {@code done()} is completed by the test, as the backend would. */
  private static final class Body implements AsyncBody {
    final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public void consume() {}

    @Override
    public CompletableFuture<Void> done() {
      return done;
    }

    @Override
    public void cancel() {
      done.cancel(false);
    }
  }

  /** fabric8's own consumer, with its {@code onResponse} (what a typed call runs) reachable. */
  private static final class Consumer extends ByteArrayBodyHandler {
    @Override
    public void onResponse(HttpResponse<AsyncBody> response) {
      super.onResponse(response);
    }

    String text() throws Exception {
      return new String(getResult().get(), StandardCharsets.UTF_8);
    }
  }
}

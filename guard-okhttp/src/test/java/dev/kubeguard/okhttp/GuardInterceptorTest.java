package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.Guard;
import dev.kubeguard.testkit.Fixtures;
import dev.kubeguard.testkit.MarkerMasker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuardInterceptorTest {

  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String CONFIGMAPS = "/api/v1/namespaces/shop/configmaps";
  private static final String SECRET = "/api/v1/namespaces/shop/secrets/db-creds";
  private static final byte[] CONFIGMAP = "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}".getBytes(StandardCharsets.UTF_8);

  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient base = new OkHttpClient();
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Guard guard(PolicyEngine policy) {
    return Guard.builder().policy(q -> { asked.add(q); return policy.decide(q); })
        .recorder(events::add).masker(new MarkerMasker()).build();
  }

  private OkHttpClient client(Guard g) {
    return GuardedOkHttp.forIdentity(base, g, BOB);
  }

  // --- request bodies --------------------------------------------------------------------------

  @Test
  void oneShotBodyIsReadOnceJudgedAndForwardedAsTheSameBytes() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).setHeader("Content-Type", "application/json").body("{}").build());
    AtomicInteger writes = new AtomicInteger();
    RequestBody oneShot = new RequestBody() {
      @Override public MediaType contentType() { return JSON; }
      @Override public boolean isOneShot() { return true; }
      @Override public void writeTo(BufferedSink sink) throws IOException {
        if (writes.incrementAndGet() > 1) throw new IllegalStateException("one-shot body written twice");
        sink.write(CONFIGMAP);
      }
    };

    try (Response r = client(guard(q -> Decision.allow())).newCall(new Request.Builder()
        .url(server.url(CONFIGMAPS)).post(oneShot).build()).execute()) {
      assertThat(r.code()).isEqualTo(201);
    }

    assertThat(writes).hasValue(1);
    assertThat(asked.get(0).request().body()).isEqualTo(CONFIGMAP);
    assertThat(asked.get(0).request().header("Content-Type")).isEqualTo("application/json");
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getBody().toByteArray()).isEqualTo(CONFIGMAP);
    assertThat(sent.getHeaders().get("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void duplexBodyIsDeniedWithoutContactingTheServer() throws Exception {
    RequestBody duplex = new RequestBody() {
      @Override public MediaType contentType() { return JSON; }
      @Override public boolean isDuplex() { return true; }
      @Override public void writeTo(BufferedSink sink) { throw new AssertionError("a duplex body must not be written by the guard"); }
    };

    try (Response r = client(guard(q -> Decision.allow())).newCall(new Request.Builder()
        .url(server.url(CONFIGMAPS)).post(duplex).build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).contains("\"reason\":\"Forbidden\"").contains("duplex request body");
    }
    assertThat(server.getRequestCount()).isZero();
    assertThat(asked).isEmpty();
  }

  @Test
  void bodyLargerThanTheLimitIsDeniedEvenWithoutADeclaredLength() throws Exception {
    Guard limited = Guard.builder().policy(q -> { asked.add(q); return Decision.allow(); })
        .recorder(events::add).masker(new MarkerMasker()).maxRequestBodyBytes(16).build();
    GuardInterceptor small = GuardInterceptor.builder(limited).identity(BOB).build();
    RequestBody streamed = new RequestBody() {
      @Override public MediaType contentType() { return JSON; }
      @Override public void writeTo(BufferedSink sink) throws IOException {
        for (int i = 0; i < 1000; i++) sink.writeUtf8("0123456789abcdef");
      }
    };

    try (Response r = GuardedOkHttp.with(base, small).newCall(new Request.Builder()
        .url(server.url(CONFIGMAPS)).post(streamed).build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).contains("exceeds the guard's limit of 16 bytes");
    }
    assertThat(server.getRequestCount()).isZero();
    assertThat(asked).as("denied before the policy").isEmpty();
    assertThat(events).singleElement().satisfies(e -> assertThat(e.responseStatus().code()).isEqualTo(403));
  }

  @Test
  void bodyThatFailsToWriteIsDenied() throws Exception {
    RequestBody broken = new RequestBody() {
      @Override public MediaType contentType() { return JSON; }
      @Override public void writeTo(BufferedSink sink) throws IOException { throw new IOException("file vanished"); }
    };

    try (Response r = client(guard(q -> Decision.allow())).newCall(new Request.Builder()
        .url(server.url(CONFIGMAPS)).post(broken).build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void repeatableBodyThatChangesOnRewriteStillSendsTheJudgedBytes() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).body("{}").build());
    AtomicInteger writes = new AtomicInteger();
    RequestBody fickle = new RequestBody() {
      @Override public MediaType contentType() { return JSON; }
      @Override public void writeTo(BufferedSink sink) throws IOException {
        sink.writeUtf8(writes.incrementAndGet() == 1 ? "{\"judged\":true}" : "{\"swapped\":true}");
      }
    };

    client(guard(q -> Decision.allow())).newCall(new Request.Builder().url(server.url(CONFIGMAPS)).post(fickle).build()).execute().close();

    assertThat(server.takeRequest().getBody().utf8()).isEqualTo("{\"judged\":true}");
  }

  // --- identity ----------------------------------------------------------------------------------

  @Test
  void requestTagIdentityAndContextWinOverTheClientsAndServiceIdentityIsTheLastResort() throws Exception {
    server.enqueue(CapturedResponses.json("configmap-get.json"));
    server.enqueue(CapturedResponses.json("configmap-get.json"));
    Guard g = guard(q -> Decision.allow());
    Identity alice = Identity.of("alice", "sre");
    Identity service = Identity.serviceAccount("tools", "mcp-server");
    OkHttpClient c = GuardedOkHttp.with(base, GuardInterceptor.builder(g).serviceIdentity(service).build());

    c.newCall(new Request.Builder().url(server.url(CONFIGMAPS + "/c"))
        .tag(Identity.class, alice).tag(CallContext.class, CallContext.forTool("get_configmap", "s-9")).build()).execute().close();
    c.newCall(new Request.Builder().url(server.url(CONFIGMAPS + "/c")).build()).execute().close();

    assertThat(asked).extracting(q -> q.identity().user()).containsExactly("alice", service.user());
    assertThat(asked.get(0).context().tool()).isEqualTo("get_configmap");
    assertThat(asked.get(0).context().sessionId()).isEqualTo("s-9");
  }

  @Test
  void failingIdentitySourceIsADenial() throws Exception {
    GuardInterceptor i = GuardInterceptor.builder(guard(q -> Decision.allow()))
        .identitySource(r -> { throw new IllegalStateException("token expired"); })
        .serviceIdentity(Identity.serviceAccount("tools", "mcp-server")).build();

    try (Response r = GuardedOkHttp.with(base, i).newCall(new Request.Builder().url(server.url(SECRET)).build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).contains("identity of this call could not be resolved");
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void builderRejectsAmbiguousOrIncompleteConfigurationSayingWhatToFix() {
    assertThatThrownBy(() -> GuardInterceptor.builder(null).build()).hasMessageContaining("pass the Guard");
    assertThatThrownBy(() -> GuardInterceptor.builder(guard(q -> Decision.allow()))
        .identity(BOB).identitySource(r -> BOB).build())
        .hasMessageContaining("choose one");
  }

  @Test
  void derivingFromAnAlreadyGuardedClientIsRefused() {
    Guard g = guard(q -> Decision.allow());
    OkHttpClient bobs = GuardedOkHttp.forIdentity(base, g, BOB);
    assertThatThrownBy(() -> GuardedOkHttp.forIdentity(bobs, g, Identity.of("alice")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already carries a GuardInterceptor");
  }

  // --- responses ---------------------------------------------------------------------------------

  @Test
  void callerSetGzipIsNegotiatedByOkHttpAndTheDecodedBodyIsMasked() throws Exception {
    Buffer gzipped = new Buffer();
    try (okio.BufferedSink gz = okio.Okio.buffer(new okio.GzipSink(gzipped))) {
      gz.writeUtf8(Fixtures.string("secret-get.json"));
    }
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .setHeader("Content-Encoding", "gzip").body(gzipped).build());

    try (Response r = client(guard(q -> Decision.allow())).newCall(new Request.Builder().url(server.url(SECRET))
        .header("Accept-Encoding", "gzip").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Encoding")).isNull();
      assertThat(r.body().string()).contains("\"kind\": \"Secret\"").doesNotContain(MarkerMasker.MARKER);
    }
    assertThat(server.takeRequest().getHeaders().get("Accept-Encoding")).isEqualTo("gzip");
  }

  @Test
  void bodyInAnEncodingTheMaskerCannotReadIsWithheld() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .setHeader("Content-Encoding", "br").body("not really brotli " + MarkerMasker.MARKER).build());

    try (Response r = client(guard(q -> Decision.allow())).newCall(new Request.Builder().url(server.url(SECRET)).build()).execute()) {
      assertThat(r.code()).isEqualTo(500);
      assertThat(r.header("Content-Encoding")).isNull();
      assertThat(r.body().string()).contains("\"reason\":\"InternalError\"").contains("br").doesNotContain(MarkerMasker.MARKER);
    }
  }

  @Test
  void maskingFailureMidBodyFailsTheReadAfterOnlyMaskedBytes() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain")
        .chunkedBody("a".repeat(64 * 1024) + MarkerMasker.MARKER, 1024).build());
    AtomicInteger writes = new AtomicInteger();
    MarkerMasker marker = new MarkerMasker();
    Guard g = Guard.builder().policy(q -> Decision.allow()).recorder(events::add).masker((ctx, sink) -> {
      dev.kubeguard.api.spi.MaskingStream inner = marker.open(ctx, sink);
      return new dev.kubeguard.api.spi.MaskingStream() {
        @Override public void write(java.nio.ByteBuffer chunk) throws dev.kubeguard.api.spi.MaskingException {
          if (writes.incrementAndGet() > 2) throw new dev.kubeguard.api.spi.MaskingException("value nested too deep");
          inner.write(chunk);
        }
        @Override public void finish() throws dev.kubeguard.api.spi.MaskingException { inner.finish(); }
        @Override public int maskedCount() { return inner.maskedCount(); }
      };
    }).build();

    Buffer received = new Buffer();
    try (Response r = client(g).newCall(new Request.Builder().url(server.url("/api/v1/namespaces/shop/pods/web/log")).build()).execute()) {
      assertThatThrownBy(() -> { while (r.body().source().read(received, 8192) != -1) { } })
          .isInstanceOf(IOException.class).hasMessageContaining("value nested too deep");
    }
    assertThat(received.size()).isPositive().isLessThan(64 * 1024);
    assertThat(events).last().satisfies(e -> assertThat(e.responseStatus().message()).contains("masking failed"));
  }

  @Test
  void bodyClosedBeforeItsEndIsRecordedAsIncomplete() throws Exception {
    server.enqueue(CapturedResponses.json("secret-list.json"));

    try (Response r = client(guard(q -> Decision.allow())).newCall(new Request.Builder().url(server.url("/api/v1/namespaces/shop/secrets")).build()).execute()) {
      assertThat(r.body().source().readUtf8(10)).startsWith("{");
    }

    assertThat(events).last().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().message()).contains("closed by the caller before its end");
    });
  }

  @Test
  void judgedTargetIsTheEncodedPathAndQueryAsSentOnTheWire() throws Exception {
    server.enqueue(CapturedResponses.json("configmap-get.json"));
    String target = "/api/v1/namespaces/shop/pods/x%2Fexec?labelSelector=app%3Dshop&watch";

    client(guard(q -> Decision.allow())).newCall(new Request.Builder().url(server.url(target)).build()).execute().close();

    assertThat(asked.get(0).request().uri()).isEqualTo(target);
    assertThat(server.takeRequest().getTarget()).isEqualTo(target);
  }
}

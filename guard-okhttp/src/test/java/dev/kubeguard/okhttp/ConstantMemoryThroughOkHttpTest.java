package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.mask.ChildJvm;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.mask.LeakyMasker;
import dev.kubeguard.core.mask.MaskedBodyReader;
import dev.kubeguard.core.mask.RetainedHeap;
import dev.kubeguard.core.mask.SecretListStream;
import dev.kubeguard.testkit.StreamingApiServer;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 200 MB SecretList read as a stream through {@link GuardedOkHttp} keeps the guard's memory
 * constant: in a child JVM limited to 64 MB of heap, a loopback server generates the list lazily
 * and streams it chunked, the caller reads the masked body in blocks, and the heap the child
 * retains after 200 MB is within {@link RetainedHeap#MAX_GROWTH} of what it retained after 20 MB.
 * Every item's secret arrives masked (three tokens per item, counted on the wire) and the planted
 * secret never arrives. A masker that keeps every fourth chunk ({@link LeakyMasker}) fails the
 * same measurement. The child is bounded in time and fails the test with its output.
 */
class ConstantMemoryThroughOkHttpTest {

  static final long TARGET_BYTES = 200L * 1024 * 1024;
  static final long CHECKPOINT_BYTES = 20L * 1024 * 1024;
  static final String PATH = "/api/v1/namespaces/shop/secrets";

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void retainedHeapDoesNotGrowWhileA200MegabyteSecretListStreamsThroughTheGuard() throws Exception {
    ChildJvm.Result r = ChildJvm.run(ChildJvm.MEMORY_TIMEOUT, ChildJvm.MEMORY_OPTIONS, Child.class,
        Long.toString(TARGET_BYTES), Long.toString(CHECKPOINT_BYTES), "0").assertSucceeded();

    RetainedHeap.assertConstant(r, CHECKPOINT_BYTES, TARGET_BYTES);
    long items = SecretListStream.itemsFor(TARGET_BYTES);
    assertThat(r.value("served")).isGreaterThanOrEqualTo(TARGET_BYTES);
    assertThat(r.value("items")).isEqualTo(items);
    assertThat(r.value("leaked")).isZero();
    // the last-applied annotation's stringData in plain; data's password and username in base64
    assertThat(r.value("tokens")).isEqualTo(items);
    assertThat(r.value("base64Tokens")).isEqualTo(2 * items);
    assertThat(r.value("responseEvents")).isEqualTo(1);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void harnessReportsGrowthThroughTheAdapterWhenTheMaskerKeepsEveryFourthChunk() throws Exception {
    // room for the 45 MB it keeps: the point is that the measurement sees it, not that it runs out
    List<String> options = new ArrayList<>(ChildJvm.MEMORY_OPTIONS);
    options.replaceAll(o -> o.startsWith("-Xmx") ? "-Xmx192m" : o);

    ChildJvm.Result r = ChildJvm.run(ChildJvm.MEMORY_TIMEOUT, options, Child.class,
        Long.toString(TARGET_BYTES), Long.toString(CHECKPOINT_BYTES), "4").assertSucceeded();

    // masked as ever: only memory tells it apart
    assertThat(r.value("leaked")).isZero();
    assertThat(r.value("tokens")).isEqualTo(SecretListStream.itemsFor(TARGET_BYTES));
    // a quarter of the 180 MB between the readings, less what the longer masked output skips
    assertThat(RetainedHeap.growth(r)).isGreaterThan((TARGET_BYTES - CHECKPOINT_BYTES) / 4 * 8 / 10);
    assertThatThrownBy(() -> RetainedHeap.assertConstant(r, CHECKPOINT_BYTES, TARGET_BYTES))
        .isInstanceOf(AssertionError.class).hasMessageContaining("grew by");
  }

  /**
   * Runs in the child JVM: serves the list, reads it through a guarded client, reports. Arguments:
   * bytes, checkpoint bytes, leak interval (0: the real masker, else a {@link LeakyMasker}).
   */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      long target = Long.parseLong(args[0]);
      long checkpoint = Long.parseLong(args[1]);
      int leakEvery = Integer.parseInt(args[2]);
      Masker masker = DefaultMasker.builder().randomKey().build();
      AtomicReference<SecretListStream> served = new AtomicReference<>();
      AtomicLong responseEvents = new AtomicLong();
      Guard guard = Guard.builder()
          .policy(q -> Decision.allow("all", "ok").withObligations(Obligations.defaults()))
          .masker(leakEvery > 0 ? new LeakyMasker(masker, leakEvery) : masker)
          .recorder(e -> {
            if (e.stage() == AuditEvent.Stage.ResponseComplete) {
              responseEvents.incrementAndGet();
            }
          })
          .build();
      StreamingApiServer.Route list = new StreamingApiServer.Route(SecretListStream.CONTENT_TYPE, () -> {
        SecretListStream s = new SecretListStream(target);
        served.set(s);
        return (InputStream) s;
      });
      OkHttpClient base = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
      try (StreamingApiServer server = StreamingApiServer.start(Map.of(PATH, list))) {
        OkHttpClient client = GuardedOkHttp.forIdentity(base, guard, Identity.of("alice"));
        try (Response response = client.newCall(new Request.Builder().url(server.url(PATH)).build()).execute()) {
          ChildJvm.report("status", response.code());
          MaskedBodyReader.readAndReport(response.body().byteStream(), checkpoint, target,
              List.of(SecretListStream.SECRET, SecretListStream.SECRET_B64));
        }
      } finally {
        base.dispatcher().executorService().shutdown();
        base.connectionPool().evictAll();
      }
      ChildJvm.report("served", served.get().produced);
      ChildJvm.report("items", served.get().items);
      ChildJvm.report("responseEvents", responseEvents.get());
    }
  }
}

package dev.kubeguard.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.mask.ChildJvm;
import dev.kubeguard.core.mask.GeneratedBody;
import dev.kubeguard.core.mask.MaskedBodyReader;
import dev.kubeguard.core.mask.PodLogStream;
import dev.kubeguard.core.mask.RetainedHeap;
import dev.kubeguard.core.mask.SecretListStream;
import dev.kubeguard.testkit.StreamingApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 200 MB SecretList read as a stream through the fabric8 interceptor ({@link KubeGuardFabric8},
 * fabric8's JDK backend) keeps the guard's memory constant: in a child JVM limited to 64 MB of
 * heap, a loopback server generates the list lazily and streams it chunked, the caller reads the
 * masked body as an {@code InputStream} from the guarded client's {@link HttpClient} (how a
 * fabric8 user streams a response too large to turn into objects), and the heap the child retains
 * after 200 MB is within {@link RetainedHeap#MAX_GROWTH} of what it retained after 20 MB. Every
 * item's secret arrives masked (three tokens per item, counted on the wire) and the planted secret
 * never arrives. The same for a 100 MB pod log read with {@code getLogInputStream()}, the
 * fabric8 way to stream logs. The child is bounded in time and fails the test with its output.
 */
class ConstantMemoryThroughFabric8Test {

  static final long TARGET_BYTES = 200L * 1024 * 1024;
  static final long CHECKPOINT_BYTES = 20L * 1024 * 1024;
  /** Text is masked line by line, more slowly: 100 MB shows the same and keeps the suite quick. */
  static final long LOG_BYTES = 100L * 1024 * 1024;
  static final String PATH = "/api/v1/namespaces/shop/secrets";
  static final String LOG_PATH = "/api/v1/namespaces/shop/pods/web/log";

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void retainedHeapDoesNotGrowWhileA200MegabyteSecretListStreamsThroughTheGuardOnTheJdkBackend() throws Exception {
    ChildJvm.Result r = ChildJvm.run(ChildJvm.MEMORY_TIMEOUT, ChildJvm.MEMORY_OPTIONS, Child.class,
        "list", Long.toString(TARGET_BYTES), Long.toString(CHECKPOINT_BYTES)).assertSucceeded();

    RetainedHeap.assertConstant(r, CHECKPOINT_BYTES, TARGET_BYTES);
    long items = SecretListStream.itemsFor(TARGET_BYTES);
    assertThat(r.value("status")).isEqualTo(200);
    assertThat(r.value("served")).isGreaterThanOrEqualTo(TARGET_BYTES);
    assertThat(r.value("items")).isEqualTo(items);
    assertThat(r.value("leaked")).isZero();
    // the last-applied annotation's stringData in plain; data's password and username in base64
    assertThat(r.value("tokens")).isEqualTo(items);
    assertThat(r.value("base64Tokens")).isEqualTo(2 * items);
    assertThat(r.values()).containsValue("list " + PATH + " 200");
    assertThat(r.value("responseEvents")).isEqualTo(1);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void retainedHeapDoesNotGrowWhileA100MegabytePodLogStreamsThroughGetLogInputStream() throws Exception {
    ChildJvm.Result r = ChildJvm.run(ChildJvm.MEMORY_TIMEOUT, ChildJvm.MEMORY_OPTIONS, Child.class,
        "log", Long.toString(LOG_BYTES), Long.toString(CHECKPOINT_BYTES)).assertSucceeded();

    RetainedHeap.assertConstant(r, CHECKPOINT_BYTES, LOG_BYTES);
    assertThat(r.value("served")).isGreaterThanOrEqualTo(LOG_BYTES);
    assertThat(r.value("leaked")).isZero();
    assertThat(r.value("tokens")).isEqualTo(PodLogStream.secretLines(r.value("items")));
    // fabric8 first looks the pod up (this server has no pod: a 404), then reads its log
    assertThat(r.values()).containsValue("get " + LOG_PATH + "?pretty=false 200");
    assertThat(r.value("responseEvents")).isEqualTo(2);
  }

  /**
   * Runs in the child JVM: serves the body ({@code list}: a SecretList, {@code log}: a pod log),
   * reads it through a guarded client, reports. Arguments: body, bytes, checkpoint bytes.
   */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      boolean log = args[0].equals("log");
      long target = Long.parseLong(args[1]);
      long checkpoint = Long.parseLong(args[2]);
      AtomicReference<GeneratedBody> served = new AtomicReference<>();
      AtomicLong responseEvents = new AtomicLong();
      Guard guard = Guard.builder()
          .policy(q -> Decision.allow("all", "ok").withObligations(Obligations.defaults()))
          .recorder(e -> {
            if (e.stage() == AuditEvent.Stage.ResponseComplete) {
              ChildJvm.report("response" + responseEvents.incrementAndGet(),
                  e.verb() + " " + e.requestUri() + " " + e.responseStatus().code());
            }
          })
          .build();
      StreamingApiServer.Route route = log
          ? new StreamingApiServer.Route(PodLogStream.CONTENT_TYPE, () -> served(served, new PodLogStream(target)))
          : new StreamingApiServer.Route(SecretListStream.CONTENT_TYPE, () -> served(served, new SecretListStream(target)));
      try (StreamingApiServer server = StreamingApiServer.start(Map.of(log ? LOG_PATH : PATH, route))) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace("shop")
            .withRequestRetryBackoffLimit(0).withRequestTimeout(60_000).build();
        try (GuardedKubernetesClient guarded =
            KubeGuardFabric8.builder(guard).config(config).httpClientFactory(new JdkHttpClientFactory()).build()) {
          KubernetesClient alice = guarded.as(Identity.of("alice"));
          if (log) {
            try (InputStream body = alice.pods().inNamespace("shop").withName("web").getLogInputStream()) {
              MaskedBodyReader.readAndReport(body, checkpoint, target, List.of(PodLogStream.SECRET));
            }
          } else {
            HttpClient http = alice.getHttpClient();
            HttpResponse<InputStream> response =
                http.sendAsync(http.newHttpRequestBuilder().uri(server.url(PATH)).build(), InputStream.class)
                    .get(60, TimeUnit.SECONDS);
            ChildJvm.report("status", response.code());
            try (InputStream body = response.body()) {
              MaskedBodyReader.readAndReport(body, checkpoint, target,
                  List.of(SecretListStream.SECRET, SecretListStream.SECRET_B64));
            }
          }
        }
      }
      ChildJvm.report("served", served.get().produced);
      ChildJvm.report("items", served.get().items);
      ChildJvm.report("responseEvents", responseEvents.get());
    }

    private static InputStream served(AtomicReference<GeneratedBody> served, GeneratedBody body) {
      served.set(body);
      return body;
    }
  }
}

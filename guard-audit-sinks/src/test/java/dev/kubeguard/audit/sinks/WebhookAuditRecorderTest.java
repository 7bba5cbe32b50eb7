package dev.kubeguard.audit.sinks;

import static dev.kubeguard.audit.sinks.SinkTestEvents.await;
import static dev.kubeguard.audit.sinks.SinkTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.AuditVerifier;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookAuditRecorderTest {

  @TempDir Path dir;
  private WebhookEndpoint endpoint;
  private JsonlAuditRecorder chain;
  private final List<AutoCloseable> open = new ArrayList<>();

  static final WebhookAuditRecorder.Batching FAST =
      WebhookAuditRecorder.Batching.defaults()
          .withMaxBatch(4, Duration.ofMillis(20))
          .withThrottle(0, 1)
          .withBackoff(Duration.ofMillis(5), Duration.ofMillis(50));

  @BeforeEach
  void start() throws Exception {
    endpoint = new WebhookEndpoint();
    chain = SinkTestEvents.chain(dir.resolve("trail"));
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    chain.close();
    endpoint.close();
  }

  private Path kubeconfig(String clientCert, String clientKey) throws IOException {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf);
    SinkTestEvents.resource("ca.pem", conf);
    SinkTestEvents.resource(clientCert, conf);
    SinkTestEvents.resource(clientKey, conf);
    Path file = conf.resolve("audit-webhook.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: collector
          cluster:
            server: %s
            certificate-authority: ca.pem
        users:
        - name: kubeguard
          user:
            client-certificate: %s
            client-key: %s
            token: audit-token-123
        contexts:
        - name: default
          context: {cluster: collector, user: kubeguard}
        current-context: default
        """.formatted(endpoint.uri(), clientCert, clientKey), StandardCharsets.UTF_8);
    return file;
  }

  private WebhookAuditRecorder.Builder webhook() throws IOException {
    return WebhookAuditRecorder.builder()
        .kubeconfig(kubeconfig("client.pem", "client-key.pem"))
        .chain(chain)
        .spool(dir.resolve("spool"), SinkTestEvents.SPOOL_KEY)
        .batching(FAST)
        .requestTimeout(Duration.ofSeconds(10));
  }

  private WebhookAuditRecorder started(WebhookAuditRecorder.Builder b) throws IOException {
    WebhookAuditRecorder w = b.build();
    open.add(w);
    return w;
  }

  private static List<String> ids(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "audit-" + i).toList();
  }

  private static void recordAll(Recorder r, int from, int to) throws RecordingException {
    for (int i = from; i <= to; i++) {
      r.record(event(i));
    }
  }

  @Test
  void postsEventListBatchesOverMutualTlsWithTheKubeconfigsCertificateAndToken() throws Exception {
    WebhookAuditRecorder webhook = started(webhook());
    recordAll(Recorder.composite(chain, webhook), 1, 10);

    await("10 events delivered", () -> endpoint.received().size() == 10);
    assertThat(endpoint.auditIds()).containsExactlyElementsOf(ids(1, 10));
    assertThat(endpoint.clientSubjects()).allSatisfy(s -> assertThat(s).contains("CN=kubeguard-audit"));
    assertThat(endpoint.authorizations()).allSatisfy(a -> assertThat(a).isEqualTo("Bearer audit-token-123"));
    assertThat(endpoint.requests()).as("batched: at most 4 per request").isGreaterThanOrEqualTo(3);
    JsonNode third = endpoint.received().get(2);
    assertThat(third.path("kind").asText()).isEqualTo("Event");
    assertThat(third.path("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
    assertThat(third.path("verb").asText()).isEqualTo("get");
    assertThat(third.at("/objectRef/namespace").asText()).isEqualTo("team-a");
    JsonNode a = third.path("annotations");
    assertThat(a.path("kubeguard.dev/chain-seq").asText()).isEqualTo("3");
    assertThat(a.path("kubeguard.dev/replica").asText()).isEqualTo("mcp-0");
    assertThat(a.path("kubeguard.dev/chain").asText()).isEqualTo("audit.jsonl");
    assertThat(a.has("kubeguard.dev/hash")).as("the spool's own chain stays local").isFalse();
    assertThat(a.has("kubeguard.dev/seq")).isFalse();
  }

  @Test
  void eachDeliveredEventNamesTheChainLineThatVouchesForIt() throws Exception {
    WebhookAuditRecorder webhook = started(webhook());
    recordAll(Recorder.composite(chain, webhook), 1, 6);
    await("delivered", () -> endpoint.received().size() == 6);
    chain.close();

    List<String> lines = Files.readAllLines(dir.resolve("trail/audit.jsonl"));
    for (JsonNode e : endpoint.received()) {
      int seq = e.at("/annotations/kubeguard.dev~1chain-seq").asInt();
      assertThat(lines.get(seq - 1)).contains("\"auditID\":\"" + e.path("auditID").asText() + "\"");
    }
    assertThat(AuditVerifier.verifyChain(dir.resolve("trail/audit.jsonl"), AuditVerifier.Options.keyed(SinkTestEvents.CHAIN_KEY)).ok())
        .isTrue();
  }

  @Test
  void anEndpointThatIsDownAtFirstGetsEveryEventOnceInOrderWhenItComesUp() throws Exception {
    endpoint.stop();
    WebhookAuditRecorder webhook = started(webhook());
    recordAll(Recorder.composite(chain, webhook), 1, 9);
    assertThat(endpoint.received()).isEmpty();

    endpoint.start();
    await("delivered after the endpoint came up", () -> endpoint.received().size() >= 9);
    await("cursor moved", () -> webhook.deliveredSeq() == 9);
    assertThat(endpoint.auditIds()).containsExactlyElementsOf(ids(1, 9));
  }

  @Test
  void batchesAnswered500Or429AreRetriedAndDeliveredOnceInOrder() throws Exception {
    endpoint.script(
        WebhookEndpoint.Answer.status(500), WebhookEndpoint.Answer.tooManyRequests("0"),
        WebhookEndpoint.Answer.status(503), WebhookEndpoint.Answer.tooManyRequests("0"));
    WebhookAuditRecorder webhook = started(webhook());
    recordAll(Recorder.composite(chain, webhook), 1, 12);

    await("delivered", () -> webhook.deliveredSeq() == 12);
    assertThat(endpoint.auditIds()).containsExactlyElementsOf(ids(1, 12));
    assertThat(endpoint.requests()).isGreaterThan(endpoint.clientSubjects().size());
  }

  @Test
  void aSlowEndpointWithinTheRequestTimeoutGetsEachEventOnce() throws Exception {
    endpoint.script(WebhookEndpoint.Answer.slow(300), WebhookEndpoint.Answer.slow(300), WebhookEndpoint.Answer.slow(300));
    WebhookAuditRecorder webhook = started(webhook());
    Recorder both = Recorder.composite(chain, webhook);
    recordAll(both, 1, 10);

    await("delivered", () -> webhook.deliveredSeq() == 10);
    assertThat(endpoint.auditIds()).containsExactlyElementsOf(ids(1, 10));
  }

  @Test
  void anAnswerLostToTheRequestTimeoutIsResentAndTheRepeatIsRecognisableByItsChainSeq() throws Exception {
    // The server keeps the batch but answers after the client gave up: the only way to see a
    // batch twice. The repeat carries the same replica and chain seqs, so a receiver can drop it.
    endpoint.script(WebhookEndpoint.Answer.slow(1500));
    WebhookAuditRecorder webhook = started(webhook().requestTimeout(Duration.ofMillis(300)));
    recordAll(Recorder.composite(chain, webhook), 1, 4);

    await("delivered", () -> webhook.deliveredSeq() == 4);
    // The first batch (however many events it took) was kept by the server twice.
    await("the late first copy arrived", () -> endpoint.received().size() > 4);
    List<String> keys = endpoint.received().stream()
        .map(e -> e.at("/annotations/kubeguard.dev~1replica").asText() + "/" + e.at("/annotations/kubeguard.dev~1chain-seq").asText())
        .distinct().toList();
    assertThat(keys).containsExactly("mcp-0/1", "mcp-0/2", "mcp-0/3", "mcp-0/4");
  }

  @Test
  void anEndpointRestartedMidRunMissesNothingAndRepeatsNothing() throws Exception {
    WebhookAuditRecorder webhook = started(webhook());
    Recorder both = Recorder.composite(chain, webhook);
    recordAll(both, 1, 8);
    await("first part delivered", () -> webhook.deliveredSeq() == 8);

    endpoint.stop();
    recordAll(both, 9, 15);
    endpoint.start();
    recordAll(both, 16, 20);

    await("all delivered", () -> webhook.deliveredSeq() == 20);
    assertThat(endpoint.auditIds()).containsExactlyElementsOf(ids(1, 20));
  }

  @Test
  void anEndpointStoppedWhileAnsweringGetsTheCutBatchAgainAndNothingElseTwice() throws Exception {
    // The endpoint keeps the batch, then goes down before its 2xx is on the wire: the client
    // cannot know it was kept, so it sends that batch again, and only that batch.
    endpoint.script(WebhookEndpoint.Answer.slow(400));
    WebhookAuditRecorder webhook = started(webhook());
    Recorder both = Recorder.composite(chain, webhook);
    recordAll(both, 1, 4);
    await("the first batch is being answered", () -> endpoint.requests() >= 1);
    endpoint.stop();
    recordAll(both, 5, 8);
    endpoint.start();

    await("all delivered", () -> webhook.deliveredSeq() == 8);
    List<String> cut = endpoint.answersInDoubt();
    assertThat(cut).as("the cut batch: the first one").isNotEmpty().containsExactlyElementsOf(ids(1, cut.size()));
    assertThat(endpoint.auditIds()).as("the cut batch again, in place, then the rest once")
        .containsExactlyElementsOf(Stream.concat(cut.stream(), ids(1, 8).stream()).toList());
  }

  @Test
  void aRestartedRecorderDrainsWhatTheLastOneSpooledBeforeAnythingNew() throws Exception {
    endpoint.stop();
    WebhookAuditRecorder first = webhook().closeTimeout(Duration.ofMillis(100)).build();
    recordAll(Recorder.composite(chain, first), 1, 7);
    first.close(); // nothing acknowledged: all 7 stay spooled

    endpoint.start();
    WebhookAuditRecorder second = started(webhook());
    recordAll(Recorder.composite(chain, second), 8, 10);

    await("all delivered", () -> second.deliveredSeq() == 10);
    assertThat(endpoint.auditIds()).containsExactlyElementsOf(ids(1, 10));
  }

  @Test
  void aFullyDrainedSpoolStartsAfreshOnTheNextStart() throws Exception {
    WebhookAuditRecorder first = webhook().build();
    recordAll(Recorder.composite(chain, first), 1, 5);
    await("delivered", () -> first.deliveredSeq() == 5);
    first.close();

    WebhookAuditRecorder second = started(webhook());
    assertThat(second.spooledSeq()).isZero();
    recordAll(Recorder.composite(chain, second), 6, 7);
    await("delivered", () -> second.deliveredSeq() == 2);
    assertThat(endpoint.auditIds()).containsExactlyElementsOf(ids(1, 7));
  }

  @Test
  void aFullSpoolDeniesUnderDeny() throws Exception {
    endpoint.stop();
    WebhookAuditRecorder webhook = started(webhook().batching(FAST.withBufferSize(5)).closeTimeout(Duration.ofMillis(50)));
    Recorder both = Recorder.composite(chain, webhook);
    recordAll(both, 1, 5);

    assertThatThrownBy(() -> both.record(event(6)))
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("spool is full (5 undelivered events)");
    assertThat(webhook.spooledSeq()).isEqualTo(5);
  }

  @Test
  void aFullSpoolUnderDropLeavesEventsOutAndThenAuditsHowManyAndWhich() throws Exception {
    endpoint.stop();
    WebhookAuditRecorder webhook = started(webhook().batching(FAST.withBufferSize(5)).whenFull(WhenFull.DROP));
    Recorder both = Recorder.composite(chain, webhook);
    recordAll(both, 1, 8); // 6, 7, 8 find the spool full
    assertThat(webhook.droppedCount()).isEqualTo(3);

    endpoint.start();
    await("backlog and drop report delivered", () -> webhook.deliveredSeq() == 6);
    recordAll(both, 9, 9);
    await("the next event", () -> webhook.deliveredSeq() == 7);

    List<JsonNode> got = endpoint.received();
    assertThat(endpoint.auditIds().subList(0, 5)).containsExactlyElementsOf(ids(1, 5));
    JsonNode report = got.get(5);
    assertThat(report.at("/annotations/kubeguard.dev~1sink-dropped").asText()).isEqualTo("3");
    assertThat(report.at("/annotations/kubeguard.dev~1sink-dropped-chain-seqs").asText()).isEqualTo("6-8");
    assertThat(report.at("/annotations/kubeguard.dev~1chain-seq").asText()).as("the report is in the chain too").isEqualTo("9");
    assertThat(got.get(6).path("auditID").asText()).isEqualTo("audit-9");
  }

  @Test
  void anEndpointThatRefusesTheClientCertificateAcknowledgesNothingAndLosesNothing() throws Exception {
    WebhookAuditRecorder stranger =
        started(webhook().kubeconfig(kubeconfig("stranger.pem", "stranger-key.pem")).closeTimeout(Duration.ofMillis(100)));
    recordAll(Recorder.composite(chain, stranger), 1, 3);
    await("a few refused handshakes", () -> endpoint.requests() == 0 && stranger.spooledSeq() == 3);
    Thread.sleep(200); // let it try; the endpoint never accepts a handshake it cannot verify
    assertThat(endpoint.received()).isEmpty();
    assertThat(stranger.deliveredSeq()).isZero();
    stranger.close();
    open.remove(stranger);

    WebhookAuditRecorder trusted = started(webhook());
    await("the spooled events, with the trusted certificate", () -> trusted.deliveredSeq() == 3);
    assertThat(endpoint.auditIds()).containsExactlyElementsOf(ids(1, 3));
  }

  @Test
  void aSinkComposedBeforeItsChainRefusesRatherThanSendAnUnchainedEvent() throws Exception {
    WebhookAuditRecorder webhook = started(webhook());
    assertThatThrownBy(() -> Recorder.composite(webhook, chain).record(event(1)))
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("Recorder.composite(chain, WebhookAuditRecorder)");
  }

  @Test
  void aSpoolEditedAtRestIsNotDelivered() throws Exception {
    endpoint.stop();
    WebhookAuditRecorder first = webhook().closeTimeout(Duration.ofMillis(50)).build();
    recordAll(Recorder.composite(chain, first), 1, 3);
    first.close();
    Path spool = dir.resolve("spool/spool.jsonl");
    // The first line: the last one is checked by the recorder itself, earlier ones by the verification.
    Files.writeString(spool, Files.readString(spool).replaceFirst("\"verb\":\"get\"", "\"verb\":\"GET\""));

    assertThatThrownBy(() -> webhook().build())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("fails verification");
  }

  @Test
  void theBuilderSaysWhatToFix() throws Exception {
    JsonlAuditRecorder noReplica =
        JsonlAuditRecorder.builder().path(dir.resolve("other/audit.jsonl")).chainKey(SinkTestEvents.CHAIN_KEY).build();
    try {
      assertThatThrownBy(() -> webhook().chain(noReplica).build()).hasMessageContaining("replicaId");
    } finally {
      noReplica.close();
    }
    assertThatThrownBy(() -> WebhookAuditRecorder.builder().chain(chain).build()).hasMessageContaining("config(");
    assertThatThrownBy(() -> webhook().spool(null, null).build()).hasMessageContaining("spool(directory, ChainKey)");
    assertThatThrownBy(() -> FAST.withMaxBatch(0, Duration.ofSeconds(1))).hasMessageContaining("maxBatchSize");
  }

  @Test
  void eventsAtLevelNoneAreNotSent() throws Exception {
    WebhookAuditRecorder webhook = started(webhook());
    AuditEvent none = new AuditEvent(dev.kubeguard.api.AuditLevel.NONE, "n", AuditEvent.Stage.ResponseComplete, "", "",
        dev.kubeguard.api.Identity.of("alice"), null, null, "", null, null, null, null, SinkTestEvents.T0, SinkTestEvents.T0, null);
    Recorder both = Recorder.composite(chain, webhook);
    both.record(none);
    both.record(event(1));
    await("delivered", () -> webhook.deliveredSeq() == 1);
    assertThat(endpoint.auditIds()).containsExactly("audit-1");
  }
}

package dev.kubeguard.audit.sinks;

import static dev.kubeguard.audit.sinks.SinkTestEvents.await;
import static dev.kubeguard.audit.sinks.SinkTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the endpoint does (answers 500, 503, 429, is slow, goes down and comes back) and
 * however often the recorder itself is restarted, every event a record() call accepted reaches
 * the endpoint once, in the order recorded. The one repeat allowed is the one no HTTP client can
 * avoid: a batch the endpoint kept while its 2xx answer was cut off (the endpoint stopped while
 * answering) is sent again.
 */
class WebhookDeliveryPropertiesTest {

  @TempDir Path dir;

  /** One step of a run: record some events, then disturb the endpoint or the recorder. */
  private static final int OK = 0, ERROR_500 = 1, ERROR_503 = 2, TOO_MANY = 3, SLOW = 4, DOWN_UP = 5, RESTART = 6;

  @Test
  void everyAcceptedEventIsDeliveredExactlyOnceInOrder() {
    qt().withExamples(8).withShrinkCycles(0)
        .forAll(lists().of(integers().between(0, 6)).ofSizeBetween(1, 6), integers().between(1, 6))
        .checkAssert((steps, perStep) -> {
          try {
            run(steps, perStep);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  @Test
  void anEndpointStoppedWhileASlowAnswerIsPendingThenARestartedRecorder() throws Exception {
    // The shape CI found: a slow answer cut off by the endpoint going down, then a new recorder.
    run(List.of(OK, SLOW, ERROR_503, ERROR_503, DOWN_UP, RESTART), 4);
  }

  private void run(List<Integer> steps, int perStep) throws Exception {
    Path run = Files.createTempDirectory(dir, "run");
    try (WebhookEndpoint endpoint = new WebhookEndpoint(); JsonlAuditRecorder chain = SinkTestEvents.chain(run)) {
      Path conf = run.resolve("webhook.yaml");
      SinkTestEvents.resource("ca.pem", run);
      SinkTestEvents.resource("client.pem", run);
      SinkTestEvents.resource("client-key.pem", run);
      Files.writeString(conf, """
          clusters: [{cluster: {server: "%s", certificate-authority: ca.pem}}]
          users: [{user: {client-certificate: client.pem, client-key: client-key.pem}}]
          """.formatted(endpoint.uri()));
      WebhookAuditRecorder.Builder b =
          WebhookAuditRecorder.builder().kubeconfig(conf).chain(chain).spool(run.resolve("spool"), SinkTestEvents.SPOOL_KEY)
              .batching(WebhookAuditRecorderTest.FAST.withMaxBatch(3, Duration.ofMillis(5)))
              .closeTimeout(Duration.ofMillis(30));
      WebhookAuditRecorder webhook = b.build();
      int n = 0;
      boolean down = false;
      for (int step : steps) {
        Recorder both = Recorder.composite(chain, webhook);
        for (int i = 0; i < perStep; i++) {
          both.record(event(++n));
        }
        switch (step) {
          case ERROR_500 -> endpoint.script(WebhookEndpoint.Answer.status(500));
          case ERROR_503 -> endpoint.script(WebhookEndpoint.Answer.status(503));
          case TOO_MANY -> endpoint.script(WebhookEndpoint.Answer.tooManyRequests("0"));
          case SLOW -> endpoint.script(WebhookEndpoint.Answer.slow(50));
          case DOWN_UP -> {
            if (down) {
              endpoint.start();
            } else {
              endpoint.stop();
            }
            down = !down;
          }
          case RESTART -> {
            webhook.close();
            webhook = b.build();
          }
          default -> { }
        }
      }
      if (down) {
        endpoint.start();
      }
      WebhookAuditRecorder last = webhook;
      int total = n;
      try {
        await("all delivered", () -> endpoint.received().size() >= total && last.deliveredSeq() == last.spooledSeq());
      } finally {
        last.close();
      }
      List<String> expected = IntStream.rangeClosed(1, total).mapToObj(i -> "audit-" + i).toList();
      List<String> got = new ArrayList<>(endpoint.auditIds());
      assertThat(got.stream().distinct().toList()).as("steps %s, %d per step", steps, perStep).containsExactlyElementsOf(expected);
      List<String> repeated = new ArrayList<>(got);
      expected.forEach(repeated::remove);
      assertThat(repeated).as("sent again: only batches whose answer was cut off (steps %s, %d per step)", steps, perStep)
          .isSubsetOf(endpoint.answersInDoubt());
    }
  }
}

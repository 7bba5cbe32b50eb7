package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.spi.RecordingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlAuditRecorderTest {

  @TempDir Path dir;

  private JsonlAuditRecorder.Builder recorder() {
    return JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(dir.resolve("audit.jsonl"));
  }

  @Test
  void writesEachEventAsAChainedKubeAuditEventLine() throws Exception {
    try (JsonlAuditRecorder r = recorder().build()) {
      for (int i = 1; i <= 3; i++) {
        r.record(event(i));
      }
    }

    List<String> lines = Files.readAllLines(dir.resolve("audit.jsonl"));
    assertThat(lines).hasSize(3);
    JsonNode second = new ObjectMapper().readTree(lines.get(1));
    assertThat(second.get("kind").asText()).isEqualTo("Event");
    assertThat(second.get("auditID").asText()).isEqualTo("audit-2");
    assertThat(second.at("/annotations/kubeguard.dev~1seq").asText()).isEqualTo("2");
    assertThat(second.at("/annotations/kubeguard.dev~1prev-hash").asText())
        .isEqualTo(new ObjectMapper().readTree(lines.get(0)).at("/annotations/kubeguard.dev~1hash").asText());
    assertThat(AuditEventJson.fromJson(lines.get(1)).auditId()).isEqualTo("audit-2");
    assertThat(trailVerdict()).isEqualTo("OK 3 events");
  }

  @Test
  void ignoresEventsAtLevelNone() throws Exception {
    AuditEvent none = new AuditEvent(
        AuditLevel.NONE, "x", AuditEvent.Stage.ResponseComplete, "/", "get", event(1).user(), null, null, null,
        null, null, null, null, AuditTestEvents.T0, AuditTestEvents.T0, null);
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(none);
    }
    assertThat(Files.size(dir.resolve("audit.jsonl"))).isZero();
  }

  @Test
  void rotatesBySizeAndTheChainContinuesAcrossFiles() throws Exception {
    try (JsonlAuditRecorder r = recorder().maxFileBytes(4096).build()) {
      for (int i = 1; i <= 40; i++) {
        r.record(event(i));
      }
    }

    List<Path> files = ChainFiles.list(dir.resolve("audit.jsonl"));
    assertThat(files).hasSizeGreaterThan(3);
    assertThat(files.get(0).getFileName().toString()).isEqualTo("audit-00000000000000000001.jsonl");
    for (Path f : files) {
      assertThat(Files.size(f)).isLessThanOrEqualTo(4096);
    }
    assertThat(AuditVerifier.verify(files, AuditTestEvents.KEYED).summary()).isEqualTo("OK 40 events");

    List<Path> withoutSecond = new java.util.ArrayList<>(files);
    withoutSecond.remove(1);
    AuditVerificationResult gap = AuditVerifier.verify(withoutSecond, AuditTestEvents.KEYED);
    assertThat(gap.problem()).isEqualTo(AuditVerificationResult.Problem.GAP_BETWEEN_FILES);
    assertThat(gap.file()).isEqualTo(files.get(2));
    assertThat(gap.line()).isEqualTo(1);
  }

  @Test
  void aRestartedRecorderContinuesTheChain() throws Exception {
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(1));
      r.record(event(2));
    }
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(3));
    }
    assertThat(trailVerdict()).isEqualTo("OK 3 events");
  }

  @Test
  void aRestartCutsOffAnUnacknowledgedHalfLineAndContinues() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(1));
      r.record(event(2));
    }
    Files.write(file, "{\"kind\":\"Event\",\"apiVer".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    assertThat(AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED).problem())
        .isEqualTo(AuditVerificationResult.Problem.INCOMPLETE_LAST_LINE);

    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(3));
    }

    assertThat(AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED).summary()).isEqualTo("OK 3 events");
  }

  @Test
  void intervalDurabilityReturnsOnQueueingAndSyncMakesItDurable() throws Exception {
    try (JsonlAuditRecorder r = recorder().durability(Durability.interval(Duration.ofHours(1))).build()) {
      for (int i = 1; i <= 5; i++) {
        r.record(event(i));
      }
      r.sync();
      assertThat(r.durableSeq()).isEqualTo(5);
      assertThat(AuditVerifier.verify(List.of(dir.resolve("audit.jsonl")), AuditTestEvents.KEYED).eventCount()).isEqualTo(5);
    }
  }

  @Test
  void aLargeIntervalBatchIsSerializedInPartsAndWrittenInSubmitOrder() throws Exception {
    // The writer is held on its first batch while 2,000 more events queue, so the next batch is
    // large enough to be serialized half on the helper thread.
    CountDownLatch gate = new CountDownLatch(1);
    try (JsonlAuditRecorder r =
        recorder()
            .durability(Durability.interval(Duration.ofHours(1)))
            .queueCapacity(4096)
            .beforeWrite(heldAt(gate))
            .build()) {
      for (int i = 1; i <= 2_001; i++) {
        r.record(event(i));
      }
      gate.countDown();
      r.sync();
      assertThat(r.durableSeq()).isEqualTo(2_001);
    }
    Path file = dir.resolve("audit.jsonl");
    assertThat(AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED).summary()).isEqualTo("OK 2001 events");
    List<String> lines = Files.readAllLines(file);
    for (int i = 1; i <= 2_001; i++) {
      assertThat(EventJsonReader.read(lines.get(i - 1)).auditId()).isEqualTo("audit-" + i);
    }
  }

  @Test
  void closingARecorderStopsItsSerializerThread() throws Exception {
    long before = serializerThreads();
    CountDownLatch gate = new CountDownLatch(1);
    JsonlAuditRecorder r =
        recorder()
            .durability(Durability.interval(Duration.ofHours(1)))
            .beforeWrite(heldAt(gate))
            .build();
    for (int i = 1; i <= 200; i++) {
      r.record(event(i)); // the first batch waits at the gate; the next one is split
    }
    gate.countDown();
    r.sync();
    if (Runtime.getRuntime().availableProcessors() > 1) {
      assertThat(serializerThreads()).as("the split batch started the helper").isGreaterThan(before);
    }
    r.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (serializerThreads() > before && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(serializerThreads()).as("serializer threads alive after close").isLessThanOrEqualTo(before);
  }

  private static long serializerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("kubeguard-audit-serializer") && t.isAlive())
        .count();
  }

  @Test
  void concurrentCallersWithIntervalDurabilityEachGetTheirEventWrittenOnceAtItsPosition() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    java.util.Map<String, Long> positions = new java.util.concurrent.ConcurrentHashMap<>();
    try (JsonlAuditRecorder r = recorder().durability(Durability.interval(Duration.ofMillis(20))).queueCapacity(8192).build()) {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 10_000;
        futures.add(pool.submit(() -> {
          for (int i = 1; i <= 1_500; i++) {
            AuditEvent e = event(base + i);
            r.record(e);
            positions.put(e.auditId(), r.positionOf(e).orElseThrow().seq());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      r.sync();
    } finally {
      pool.shutdownNow();
    }
    Path file = dir.resolve("audit.jsonl");
    assertThat(AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED).summary()).isEqualTo("OK 6000 events");
    List<String> lines = Files.readAllLines(file);
    assertThat(positions).hasSize(6_000);
    for (int at = 1; at <= lines.size(); at++) {
      String id = EventJsonReader.read(lines.get(at - 1)).auditId();
      assertThat(positions.remove(id)).as("the position record() gave %s", id).isEqualTo(at);
    }
    assertThat(positions).isEmpty();
  }

  @Test
  void concurrentCallersAllGetTheirEventsChainedWithPerEventDurability() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (JsonlAuditRecorder r = recorder().durability(Durability.perEvent()).build()) {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 100;
        futures.add(pool.submit(() -> {
          for (int i = 1; i <= 50; i++) {
            r.record(event(base + i));
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(r.durableSeq()).isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
    assertThat(trailVerdict()).isEqualTo("OK 200 events");
  }

  @Test
  void throwsInsteadOfBlockingWhenTheWriterIsStuckAndTheQueueIsFull() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    JsonlAuditRecorder r =
        recorder()
            .durability(Durability.interval(Duration.ofMillis(50)))
            .queueCapacity(2)
            .offerTimeout(Duration.ofMillis(50))
            .beforeWrite(heldAt(gate))
            .build();
    try {
      assertThatThrownBy(() -> {
            for (int i = 1; i <= 10; i++) {
              r.record(event(i));
            }
          })
          .isInstanceOf(RecordingException.class)
          .hasMessageContaining("queue full");
    } finally {
      gate.countDown();
      r.close();
    }
  }

  @Test
  void perEventRecordThrowsWhenTheFsyncDoesNotComeInTime() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    JsonlAuditRecorder r = heldPerEventRecorder(gate);
    try {
      assertThatThrownBy(() -> r.record(event(1)))
          .isInstanceOf(RecordingException.class)
          .hasMessageContaining("not fsynced");
    } finally {
      gate.countDown();
      r.close();
    }
  }

  @Test
  void aRecordThatTimedOutKeepsItsLineWhenTheSameThreadRecordsAgain() throws Exception {
    // a line's bytes are lent from the recording thread; one still queued after its caller gave
    // up must not be overwritten by that thread's next event
    CountDownLatch gate = new CountDownLatch(1);
    JsonlAuditRecorder r = heldPerEventRecorder(gate);
    try {
      for (int i = 1; i <= 3; i++) {
        int n = i;
        assertThatThrownBy(() -> r.record(event(n))).isInstanceOf(RecordingException.class);
      }
    } finally {
      gate.countDown();
      r.close();
    }
    assertThat(auditIdsInTheTrail()).containsExactly("audit-1", "audit-2", "audit-3");
    assertThat(trailVerdict()).isEqualTo("OK 3 events");
  }

  @Test
  void aDefaultDurabilityRecordThatTimedOutKeepsItsLineWhenTheSameThreadRecordsAgain() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    JsonlAuditRecorder r = recorder().ackTimeout(Duration.ofMillis(100)).beforeWrite(heldAt(gate)).build();
    // another caller leads the write and is held there, the chain lock with it
    Thread leader = new Thread(() -> {
      try {
        r.record(event(1));
      } catch (RecordingException e) {
        // held past its own timeout too; its line is written once the gate opens
      }
    });
    leader.start();
    try {
      Thread.sleep(50); // let it take the lock first; if not, the first record below leads and times out alike
      for (int i = 2; i <= 4; i++) {
        int n = i;
        assertThatThrownBy(() -> r.record(event(n))).isInstanceOf(RecordingException.class);
      }
    } finally {
      gate.countDown();
      leader.join(30_000);
      r.close();
    }
    assertThat(auditIdsInTheTrail()).containsExactlyInAnyOrder("audit-1", "audit-2", "audit-3", "audit-4");
    assertThat(trailVerdict()).isEqualTo("OK 4 events");
  }

  @Test
  void anIoFailureKillsTheRecorderAndEveryLaterRecordThrows() throws Exception {
    Path sub = dir.resolve("logs");
    JsonlAuditRecorder r = JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(sub.resolve("audit.jsonl")).maxFileBytes(4096).build();
    r.record(event(1));
    deleteTree(sub); // rotation must rename inside a directory that is gone

    assertThatThrownBy(() -> {
          for (int i = 2; i <= 40; i++) {
            r.record(event(i));
          }
        })
        .isInstanceOf(RecordingException.class);
    assertThatThrownBy(() -> r.record(event(41)))
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("dead");
    assertThatThrownBy(r::close).isInstanceOf(RecordingException.class);
  }

  @Test
  void signedCheckpointsRevealATailCutOffBeforeThem() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("audit-1").generate();
    Path file = dir.resolve("audit.jsonl");
    try (JsonlAuditRecorder r =
        recorder().checkpoints(AuditCheckpoints.every(new ECDSASigner(key), JWSAlgorithm.ES256, "audit-1", 0)).build()) {
      for (int i = 1; i <= 5; i++) {
        r.record(event(i));
      }
    }
    // A party without the chain key checks the trail against the signed checkpoint alone.
    AuditVerifier.Options withKey =
        AuditVerifier.Options.withoutChainKey().withCheckpoint(dir.resolve("audit.jsonl.checkpoint"), new ECDSAVerifier(key.toPublicJWK()));
    assertThat(AuditVerifier.verify(List.of(file), withKey).summary())
        .isEqualTo("OK 5 events (checkpoint at seq 5 verified)");

    List<String> lines = Files.readAllLines(file);
    Files.write(file, lines.subList(0, 4));

    AuditVerificationResult cut = AuditVerifier.verify(List.of(file), withKey);
    assertThat(cut.problem()).isEqualTo(AuditVerificationResult.Problem.TRUNCATED_BEFORE_CHECKPOINT);
    // Without key and checkpoint nothing can tell; the keyed default sees it through the sealed head.
    assertThat(AuditVerifier.verify(List.of(file), AuditVerifier.Options.withoutChainKey()).ok()).isTrue();
    assertThat(AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED).problem())
        .isEqualTo(AuditVerificationResult.Problem.TRUNCATED_BEFORE_HEAD);

    ECKey other = new ECKeyGenerator(Curve.P_256).generate();
    AuditVerificationResult wrongKey =
        AuditVerifier.verify(
            List.of(file),
            AuditVerifier.Options.withoutChainKey().withCheckpoint(dir.resolve("audit.jsonl.checkpoint"), new ECDSAVerifier(other.toPublicJWK())));
    assertThat(wrongKey.problem()).isEqualTo(AuditVerificationResult.Problem.BAD_CHECKPOINT_SIGNATURE);
  }

  @Test
  void checkpointsEveryNEventsWhileRunning() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    try (JsonlAuditRecorder r =
        recorder().checkpoints(AuditCheckpoints.every(new ECDSASigner(key), JWSAlgorithm.ES256, "", 3)).build()) {
      for (int i = 1; i <= 4; i++) {
        r.record(event(i));
      }
      AuditVerificationResult mid =
          AuditVerifier.verify(
              List.of(dir.resolve("audit.jsonl")),
              AuditTestEvents.KEYED.withCheckpoint(dir.resolve("audit.jsonl.checkpoint"), new ECDSAVerifier(key.toPublicJWK())));
      assertThat(mid.checkpointSeq()).isEqualTo(3);
      assertThat(mid.ok()).isTrue();
    }
  }

  @Test
  void builderSaysWhatToFix() {
    assertThatThrownBy(() -> JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("path(Path)");
    assertThatThrownBy(() -> recorder().queueCapacity(0).build())
        .hasMessageContaining("queueCapacity");
    assertThatThrownBy(() -> Durability.interval(Duration.ZERO)).hasMessageContaining("positive");
  }

  /** A per-event recorder whose writer is {@link #heldAt} {@code gate}, waiting 100 ms for each fsync. */
  private JsonlAuditRecorder heldPerEventRecorder(CountDownLatch gate) throws IOException {
    return recorder().durability(Durability.perEvent()).ackTimeout(Duration.ofMillis(100)).beforeWrite(heldAt(gate)).build();
  }

  private List<String> auditIdsInTheTrail() throws IOException {
    return Files.readAllLines(dir.resolve("audit.jsonl")).stream().map(l -> AuditEventJson.fromJson(l).auditId()).toList();
  }

  private String trailVerdict() {
    return AuditVerifier.verify(List.of(dir.resolve("audit.jsonl")), AuditTestEvents.KEYED).summary();
  }

  /** A writer held before each batch until {@code gate} opens (a disk that does not answer), 30 s at most. */
  private static Runnable heldAt(CountDownLatch gate) {
    return () -> {
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}

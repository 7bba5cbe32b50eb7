package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainPositionTest {

  @TempDir Path dir;

  private JsonlAuditRecorder.Builder recorder(String name) {
    return JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(dir.resolve(name));
  }

  @Test
  void aRecorderComposedAfterTheChainSeesTheSeqEachEventGot() throws Exception {
    List<Long> seen = new ArrayList<>();
    try (JsonlAuditRecorder chain = recorder("audit.jsonl").replicaId("mcp-0").build()) {
      Recorder sink = e -> seen.add(chain.positionOf(e).orElseThrow().seq());
      Recorder both = Recorder.composite(chain, sink);
      for (int i = 1; i <= 4; i++) {
        both.record(event(i));
      }
      assertThat(chain.positionOf(event(4))).as("another instance, even if equal").isEmpty();
    }
    assertThat(seen).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aContinuedChainHandsOutPositionsAfterItsHead() throws Exception {
    try (JsonlAuditRecorder first = recorder("audit.jsonl").build()) {
      first.record(event(1));
      first.record(event(2));
    }
    try (JsonlAuditRecorder again = recorder("audit.jsonl").replicaId("mcp-1").build()) {
      AuditEvent e = event(3);
      again.record(e);
      assertThat(again.positionOf(e)).contains(new ChainPosition("mcp-1", "audit.jsonl", 3));
    }
  }

  @Test
  void positionsAreThreadConfinedAndMatchTheLineWritten() throws Exception {
    // Under concurrent callers each thread's position must be the seq its own line carries.
    Map<String, Long> claimed = new ConcurrentHashMap<>();
    try (JsonlAuditRecorder chain = recorder("audit.jsonl").durability(Durability.interval(java.time.Duration.ofMillis(5))).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 1000;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            AuditEvent e = event(base + i);
            chain.record(e);
            claimed.put(e.auditId(), chain.positionOf(e).orElseThrow().seq());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
    }
    ObjectMapper json = new ObjectMapper();
    List<Long> seqs = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("audit.jsonl"))) {
      var n = json.readTree(line);
      long seq = n.at("/annotations/kubeguard.dev~1seq").asLong();
      assertThat(claimed.get(n.get("auditID").asText())).as(n.get("auditID").asText()).isEqualTo(seq);
      seqs.add(seq);
    }
    assertThat(seqs).hasSize(200).isSorted();
    assertThat(Collections.max(seqs)).isEqualTo(200);
  }

  @Test
  void everyAcceptedEventHasTheNextPositionWhateverTheBatching() {
    qt().withExamples(20).forAll(integers().between(1, 40)).checkAssert(n -> {
      Path sub = dir.resolve("p" + n + "-" + System.nanoTime());
      try (JsonlAuditRecorder chain =
          JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(sub.resolve("a.jsonl")).build()) {
        for (int i = 1; i <= n; i++) {
          AuditEvent e = event(i);
          chain.record(e);
          assertThat(chain.positionOf(e).orElseThrow().seq()).isEqualTo(i);
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void checkpointsNameTheReplicaAndAnotherReplicasStreamDoesNotVerifyAsThisOne() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    try (JsonlAuditRecorder r =
        recorder("audit.jsonl").replicaId("mcp-0")
            .checkpoints(AuditCheckpoints.every(new ECDSASigner(key), JWSAlgorithm.ES256, "k", 0)).build()) {
      r.record(event(1));
      r.record(event(2));
    }
    AuditVerifier.Options withCheckpoint =
        AuditTestEvents.KEYED.withCheckpoint(dir.resolve("audit.jsonl.checkpoint"), new ECDSAVerifier(key.toPublicJWK()));
    assertThat(AuditVerifier.verifyChain(dir.resolve("audit.jsonl"), withCheckpoint.forReplica("mcp-0")).summary())
        .isEqualTo("OK 2 events (checkpoint at seq 2 verified)");
    AuditVerificationResult other = AuditVerifier.verifyChain(dir.resolve("audit.jsonl"), withCheckpoint.forReplica("mcp-1"));
    assertThat(other.ok()).isFalse();
    assertThat(other.problem()).isEqualTo(AuditVerificationResult.Problem.WRONG_REPLICA);
    assertThat(other.detail()).contains("'mcp-0'", "'mcp-1'");
  }

  @Test
  void aReplicaIdThatCannotBeAFileOrPodNameIsRefusedAtBuild() {
    assertThatThrownBy(() -> recorder("audit.jsonl").replicaId("a/b").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("replicaId");
    assertThatThrownBy(() -> AuditTestEvents.KEYED.forReplica("x"))
        .hasMessageContaining("withCheckpoint");
  }
}

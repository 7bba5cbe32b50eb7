package dev.kubeguard.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process recording with the default durability loses no acknowledged event: a child
 * JVM prints each event's seq right after {@code record()} returns, the parent SIGKILLs it after a
 * random number of acknowledgements, and the trail must hold every acknowledged event at its seq,
 * verify under the key (at most one unterminated last line) and continue after a restart.
 */
class AuditRecorderCrashTest {

  private static final long CHILD_WAIT_SECONDS = 60;

  @TempDir Path dir;

  @Test
  void killingTheRecordingProcessLosesNoAcknowledgedEventWithTheDefaultDurability() throws Exception {
    Path active = dir.resolve("audit.jsonl");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Map<Long, String> acknowledged = new HashMap<>();
    // One thread, then four recording concurrently; each round continues the chain the last left.
    int[] threadsPerRound = {1, 4, 1, 4, 4};
    for (int round = 0; round < threadsPerRound.length; round++) {
      int threads = threadsPerRound[round];
      int killAfter = 20 + random.nextInt(1_500);
      String where = "round " + round + " (" + threads + " threads, kill after " + killAfter + " acks, seed " + seed + ")";
      acknowledged.putAll(runAndKill(active, threads, (round + 1) * 10_000_000, killAfter, where));

      AuditVerificationResult result =
          AuditVerifier.verify(ChainFiles.list(active), AuditTestEvents.KEYED.toleratingIncompleteLastLine());
      assertThat(result.ok()).as(where + ": " + result.summary()).isTrue();
      assertThat(result.problem()).as(where).isIn(null, AuditVerificationResult.Problem.INCOMPLETE_LAST_LINE);
      List<String> trail = auditIdsInChainOrder(ChainFiles.list(active));
      for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
        int at = (int) (long) ack.getKey() - 1;
        assertThat(at).as(where + ": acknowledged seq " + ack.getKey() + " is in the trail").isLessThan(trail.size());
        assertThat(trail.get(at)).as(where + ": the event at seq " + ack.getKey()).isEqualTo(ack.getValue());
      }
    }

    // A recorder restarted on the same path cuts a half line, continues the chain, and it verifies.
    long before = AuditVerifier.verify(ChainFiles.list(active), AuditTestEvents.KEYED.toleratingIncompleteLastLine()).eventCount();
    try (JsonlAuditRecorder r = JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(active).maxFileBytes(16_384).build()) {
      r.record(AuditTestEvents.event(1));
    }
    AuditVerificationResult after = AuditVerifier.verify(ChainFiles.list(active), AuditTestEvents.KEYED);
    assertThat(after.summary()).isEqualTo("OK " + (before + 1) + " events");
  }

  /** Starts a child, SIGKILLs it after {@code killAfter} acks; returns every ack it printed (seq to audit id). */
  private static Map<Long, String> runAndKill(Path active, int threads, int base, int killAfter, String where)
      throws Exception {
    Process child =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "-cp", System.getProperty("java.class.path"),
                CrashingAuditWriter.class.getName(), active.toString(), Integer.toString(threads), Integer.toString(base))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> pump(child, lines), "crash-test-reader");
    reader.setDaemon(true);
    reader.start();
    Map<Long, String> acks = new HashMap<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_WAIT_SECONDS);
      while (acks.size() < killAfter) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null) {
          fail(where + ": child printed " + acks.size() + " acks in " + CHILD_WAIT_SECONDS + " s (alive: " + child.isAlive() + "); hung or too slow");
        }
        if (line.equals(EOF)) {
          fail(where + ": child ended by itself after " + acks.size() + " acks, exit " + child.waitFor());
        }
        addAck(line, acks, where);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux, while its threads keep recording
      if (!child.waitFor(CHILD_WAIT_SECONDS, TimeUnit.SECONDS)) {
        fail(where + ": child did not die within " + CHILD_WAIT_SECONDS + " s of SIGKILL");
      }
    }
    // Acks still in the pipe when it died were acknowledged too.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_WAIT_SECONDS);
    for (String line; !(line = pollOrFail(lines, deadline, where)).equals(EOF); ) {
      addAck(line, acks, where);
    }
    return acks;
  }

  private static final String EOF = "\u0000eof";

  private static String pollOrFail(BlockingQueue<String> lines, long deadline, String where) throws InterruptedException {
    String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    if (line == null) {
      fail(where + ": the dead child's output did not end within " + CHILD_WAIT_SECONDS + " s");
    }
    return line;
  }

  private static void addAck(String line, Map<Long, String> acks, String where) {
    String[] parts = line.split(" ");
    if (parts.length == 4 && parts[0].equals("ack") && parts[3].equals("end")) {
      String earlier = acks.put(Long.parseLong(parts[1]), parts[2]);
      assertThat(earlier).as(where + ": seq " + parts[1] + " acknowledged twice").isNull();
    } else if (line.startsWith("failed")) {
      fail(where + ": the child's record() failed: " + line);
    }
    // anything else is the last line, cut short by the kill: not a complete acknowledgement
  }

  private static void pump(Process child, BlockingQueue<String> lines) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        lines.add(l);
      }
    } catch (IOException ignored) {
      // the pipe closes when the child dies
    } finally {
      lines.add(EOF);
    }
  }

  /** Audit ids of the complete lines, in chain order: line i of the chain has seq i + 1. */
  private static List<String> auditIdsInChainOrder(List<Path> files) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Path f : files) {
      for (String l : Files.readAllLines(f)) {
        if (l.endsWith("}}")) {
          ids.add(AuditEventJson.fromJson(l).auditId());
        }
      }
    }
    return ids;
  }
}

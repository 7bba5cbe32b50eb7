package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.spi.RecordingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code record()} returning means under each {@link Durability}, seen in the file itself. */
class DurabilityTest {

  @TempDir Path dir;

  private Path active() {
    return dir.resolve("audit.jsonl");
  }

  private JsonlAuditRecorder.Builder recorder() {
    return JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(active());
  }

  @Test
  void theDefaultWritesEachLineBeforeRecordReturnsAndFsyncsEverySecond() throws Exception {
    assertThat(Durability.DEFAULT).isEqualTo(Durability.written(Duration.ofSeconds(1)));
    try (JsonlAuditRecorder r = recorder().build()) {
      r.record(event(1));
      assertThat(completeLines()).isEqualTo(1);
    }
  }

  @Test
  void writtenRecordReturnsWithTheLineInTheFileBeforeAnyFsync() throws Exception {
    try (JsonlAuditRecorder r = recorder().durability(Durability.written(Duration.ofHours(1))).build()) {
      for (int i = 1; i <= 3; i++) {
        r.record(event(i));
        assertThat(completeLines()).as("lines in the file when record #" + i + " returned").isEqualTo(i);
      }
      assertThat(r.durableSeq()).as("nothing fsynced yet: the interval is an hour").isZero();
      // Lines past the sealed head verify: the head only ever vouches for fsynced lines.
      assertThat(AuditVerifier.verify(List.of(active()), AuditTestEvents.KEYED).summary()).isEqualTo("OK 3 events");
      r.sync();
      assertThat(r.durableSeq()).isEqualTo(3);
    }
  }

  @Test
  void writtenConcurrentCallersEachFindTheirLineInTheFileWhenRecordReturns() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (JsonlAuditRecorder r = recorder().durability(Durability.written(Duration.ofHours(1))).build()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 100;
        futures.add(pool.submit(() -> {
          for (int i = 1; i <= 50; i++) {
            AuditEvent e = event(base + i);
            r.record(e);
            long seq = r.positionOf(e).orElseThrow().seq();
            assertThat(completeLines()).as("lines in the file when seq " + seq + " was acknowledged").isGreaterThanOrEqualTo(seq);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(AuditVerifier.verify(List.of(active()), AuditTestEvents.KEYED).summary()).isEqualTo("OK 200 events");
  }

  @Test
  void writtenRecordThrowsWhenTheChainStaysBusyPastTheAckTimeout() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger writes = new AtomicInteger();
    JsonlAuditRecorder r =
        recorder()
            .ackTimeout(Duration.ofMillis(100))
            .beforeWrite(() -> {
              if (writes.incrementAndGet() == 1) {
                entered.countDown();
                await(gate); // the first leader's disk does not answer
              }
            })
            .build();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> leader = pool.submit(() -> {
        r.record(event(1));
        return null;
      });
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> r.record(event(2)))
          .isInstanceOf(RecordingException.class)
          .hasMessageContaining("not written within");
      gate.countDown();
      leader.get(30, TimeUnit.SECONDS);
    } finally {
      gate.countDown();
      pool.shutdownNow();
      r.close();
    }
  }

  @Test
  void aRequestThreadInterruptedWhileItWritesTheTrailLeavesTheRecorderWorking() throws Exception {
    AtomicInteger writes = new AtomicInteger();
    try (JsonlAuditRecorder r =
        recorder()
            .durability(Durability.written(Duration.ofHours(1)))
            // The interrupt lands while this caller leads the write (as a cancelled request's would).
            .beforeWrite(() -> {
              if (writes.incrementAndGet() == 1) {
                Thread.currentThread().interrupt();
              }
            })
            .build()) {
      r.record(event(1));
      assertThat(Thread.interrupted()).as("the caller keeps its interrupt").isTrue();
      r.record(event(2));
      r.sync();
      assertThat(r.durableSeq()).isEqualTo(2);
    }
    assertThat(AuditVerifier.verify(List.of(active()), AuditTestEvents.KEYED).summary()).isEqualTo("OK 2 events");
  }

  @Test
  void perEventConcurrentCallersShareOneFsync() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger batches = new AtomicInteger();
    JsonlAuditRecorder r =
        recorder()
            .durability(Durability.perEvent())
            .beforeWrite(() -> {
              if (batches.incrementAndGet() == 1) {
                entered.countDown();
                await(gate); // hold the first batch so the next callers queue up behind it
              }
            })
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      List<Future<?>> futures = new ArrayList<>();
      futures.add(pool.submit(() -> {
        r.record(event(1));
        return null;
      }));
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      List<Thread> waiters = new CopyOnWriteArrayList<>();
      CountDownLatch started = new CountDownLatch(4);
      for (int t = 0; t < 4; t++) {
        int n = 2 + t;
        futures.add(pool.submit(() -> {
          waiters.add(Thread.currentThread());
          started.countDown();
          r.record(event(n));
          return null;
        }));
      }
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      // Each is queued once it waits for its fsync (JsonlAuditRecorder.await runs after the queueing).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!waiters.stream().allMatch(DurabilityTest::waitsForItsFsync)) {
        assertThat(System.nanoTime()).as("four callers waiting for their fsync").isLessThan(deadline);
        Thread.sleep(5);
      }
      gate.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(r.durableSeq()).isEqualTo(5);
      assertThat(batches.get()).as("batches written, each with one fsync: the first, then the four together").isEqualTo(2);
    } finally {
      gate.countDown();
      pool.shutdownNow();
      r.close();
    }
    assertThat(AuditVerifier.verify(List.of(active()), AuditTestEvents.KEYED).summary()).isEqualTo("OK 5 events");
  }

  private static boolean waitsForItsFsync(Thread t) {
    return Arrays.stream(t.getStackTrace())
        .anyMatch(f -> f.getClassName().equals(JsonlAuditRecorder.class.getName()) && f.getMethodName().equals("await"));
  }

  private long completeLines() throws Exception {
    byte[] bytes = Files.readAllBytes(active());
    long n = 0;
    for (byte b : bytes) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  private static void await(CountDownLatch gate) {
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

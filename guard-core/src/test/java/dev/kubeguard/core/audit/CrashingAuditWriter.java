package dev.kubeguard.core.audit;

import dev.kubeguard.api.AuditEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child-process main for {@link AuditRecorderCrashTest}: records events forever with the default
 * durability from {@code threads} threads and prints {@code ack <seq> <auditID> end} for each one
 * right after its {@code record()} returned, so every complete line the parent reads is an
 * acknowledged event.
 *
 * <p>Arguments: the active file, the number of threads, the first event number (distinct per
 * round, so audit ids never repeat across rounds).
 */
public final class CrashingAuditWriter {

  private CrashingAuditWriter() {}

  public static void main(String[] args) throws Exception {
    Path active = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    int base = Integer.parseInt(args[2]);
    JsonlAuditRecorder recorder =
        JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(active).maxFileBytes(16_384).build();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = base + t * 1_000_000;
      Thread w = new Thread(() -> record(recorder, first), "crash-writer-" + t);
      w.start();
      writers.add(w);
    }
    for (Thread w : writers) {
      w.join();
    }
  }

  private static void record(JsonlAuditRecorder recorder, int first) {
    try {
      for (int i = first; ; i++) {
        AuditEvent e = AuditTestEvents.event(i);
        recorder.record(e);
        long seq = recorder.positionOf(e).orElseThrow().seq();
        System.out.println("ack " + seq + " " + e.auditId() + " end");
      }
    } catch (Exception e) {
      System.out.println("failed " + e);
      System.exit(3);
    }
  }
}

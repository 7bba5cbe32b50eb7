package dev.kubeguard.core.audit;

import java.nio.file.Path;

/**
 * Child-process main for {@link AuditRecorderCrashTest}: records events with per-event durability
 * forever and prints the number of each acknowledged one (record() returned) to stdout.
 */
public final class CrashingAuditWriter {

  private CrashingAuditWriter() {}

  public static void main(String[] args) throws Exception {
    JsonlAuditRecorder recorder = JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(Path.of(args[0])).maxFileBytes(16_384).build();
    for (int i = 1; ; i++) {
      recorder.record(AuditTestEvents.event(i));
      System.out.println(i);
      System.out.flush();
    }
  }
}

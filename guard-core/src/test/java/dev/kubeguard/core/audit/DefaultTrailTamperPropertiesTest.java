package dev.kubeguard.core.audit;

import static dev.kubeguard.core.audit.AuditTestEvents.KEY;
import static dev.kubeguard.core.audit.AuditTestEvents.KEYED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the default configuration (keyed chain, sealed head, no checkpoint, chain still open) any
 * single edit of the trail is detected by verify: a byte flip, a line deleted, a line inserted
 * (a copy, or a forgery with correct seq, prev-hash and hash), a truncation at any offset, two
 * lines swapped.
 */
class DefaultTrailTamperPropertiesTest {

  private static final int EVENTS = 10;

  @TempDir static Path dir;
  private static byte[] trail;
  private static List<String> lines;
  private static AuditVerifier.Options options;
  private static final AtomicInteger mutants = new AtomicInteger();

  @BeforeAll
  static void recordWithTheDefaults() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    JsonlAuditRecorder r = JsonlAuditRecorder.builder().chainKey(KEY).path(file).build();
    for (int i = 1; i <= EVENTS; i++) {
      r.record(AuditTestEvents.event(i)); // per-event durability: acknowledged, head sealed
    }
    trail = Files.readAllBytes(file);
    lines = Files.readAllLines(file);
    options = KEYED.withHeadFile(HeadSeal.sidecar(file));
    assertThat(verify(trail).summary()).isEqualTo("OK " + EVENTS + " events");
    r.close();
  }

  @Test
  void anySingleEditOfTheTrailIsDetected() {
    qt().withExamples(400)
        .forAll(integers().between(0, 4), integers().allPositive(), integers().allPositive(), integers().between(1, 255))
        .checkAssert((kind, a, b, delta) -> {
          byte[] mutant = mutate(kind, a, b, delta);
          assertThat(mutant).as("an edit changes the bytes").isNotEqualTo(trail);
          AuditVerificationResult r = verify(mutant);
          assertThat(r.ok()).as("edit kind %d (%d, %d, %d) detected: %s", kind, a, b, delta, r.summary()).isFalse();
        });
  }

  private static byte[] mutate(int kind, int a, int b, int delta) {
    List<String> copy = new ArrayList<>(lines);
    switch (kind) {
      case 0 -> { // flip one byte
        byte[] out = trail.clone();
        out[a % out.length] ^= (byte) delta;
        return out;
      }
      case 1 -> copy.remove(a % copy.size());
      case 2 -> {
        int at = a % (copy.size() + 1);
        String inserted = b % 2 == 0
            ? lines.get(b % lines.size())
            : TrailForgery.forgedNext(at == 0 ? lines.get(0) : copy.get(at - 1), "\"get\"", "\"delete\"");
        copy.add(at, inserted);
      }
      case 3 -> {
        return Arrays.copyOf(trail, a % trail.length); // truncate at any offset before the end
      }
      default -> {
        int i = a % copy.size();
        int j = (i + 1 + b % (copy.size() - 1)) % copy.size(); // a different line
        String t = copy.get(i);
        copy.set(i, copy.get(j));
        copy.set(j, t);
      }
    }
    return join(copy);
  }

  private static byte[] join(List<String> content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String l : content) {
      out.writeBytes(l.getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static AuditVerificationResult verify(byte[] content) {
    Path file = dir.resolve("mutant-" + mutants.incrementAndGet() + ".jsonl");
    try {
      Files.write(file, content);
      return AuditVerifier.verify(List.of(file), options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the temp dir cleanup removes it
      }
    }
  }
}

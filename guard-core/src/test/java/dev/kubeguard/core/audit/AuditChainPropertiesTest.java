package dev.kubeguard.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.internal.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tamper evidence as properties: any single edit, deletion, insertion or reordering of lines of a
 * closed, checkpointed chain is detected, and untouched chains verify.
 */
class AuditChainPropertiesTest {

  private static final int EVENTS = 12;

  @TempDir static Path dir;
  private static List<byte[]> lines;
  private static AuditVerifier.Options closedChain;
  private static final AtomicInteger files = new AtomicInteger();

  @BeforeAll
  static void recordAClosedChain() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    Path file = dir.resolve("base.jsonl");
    try (JsonlAuditRecorder r =
        JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY)
            .path(file)
            .durability(Durability.interval(Duration.ofMillis(10)))
            .checkpoints(AuditCheckpoints.every(new ECDSASigner(key), JWSAlgorithm.ES256, "k", 0))
            .build()) {
      for (int i = 1; i <= EVENTS; i++) {
        r.record(AuditTestEvents.event(i));
      }
    }
    lines = splitLines(Files.readAllBytes(file));
    closedChain =
        AuditTestEvents.KEYED.withHeadFile(dir.resolve("base.jsonl.head"))
            .withCheckpoint(dir.resolve("base.jsonl.checkpoint"), new ECDSAVerifier(key.toPublicJWK()))
            .closedChain();
  }

  @Test
  void anyRecordedSequenceOfEventsVerifies() {
    qt().withExamples(25)
        .forAll(integers().between(1, 20), strings().basicLatinAlphabet().ofLengthBetween(1, 12))
        .checkAssert((count, user) -> {
          Path file = dir.resolve("seq-" + files.incrementAndGet() + ".jsonl");
          try (JsonlAuditRecorder r =
              JsonlAuditRecorder.builder().chainKey(AuditTestEvents.KEY).path(file).durability(Durability.interval(Duration.ofMillis(10))).build()) {
            for (int i = 1; i <= count; i++) {
              r.record(withUser(AuditTestEvents.event(i), user.isBlank() ? "u" : user));
            }
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          assertThat(AuditVerifier.verify(List.of(file), AuditTestEvents.KEYED).summary()).isEqualTo("OK " + count + " events");
        });
    assertThat(verify(lines).ok()).isTrue();
  }

  @Test
  void changingAnyByteOfAnyLineIsDetected() {
    qt().withExamples(300)
        .forAll(integers().between(0, EVENTS - 1), integers().between(0, Integer.MAX_VALUE - 1), integers().between(1, 255))
        .check((line, pos, delta) -> {
          List<byte[]> copy = copy(lines);
          byte[] l = copy.get(line);
          int at = pos % l.length;
          l[at] = (byte) (l[at] + delta);
          return !verify(copy).ok();
        });
  }

  @Test
  void deletingAnyLineIsDetected() {
    qt().withExamples(50)
        .forAll(integers().between(0, EVENTS - 1))
        .check(line -> {
          List<byte[]> copy = copy(lines);
          copy.remove((int) line);
          return !verify(copy).ok();
        });
  }

  @Test
  void insertingACopyOfAnyLineAnywhereIsDetected() {
    qt().withExamples(100)
        .forAll(integers().between(0, EVENTS - 1), integers().between(0, EVENTS))
        .check((source, at) -> {
          List<byte[]> copy = copy(lines);
          copy.add(at, lines.get(source).clone());
          return !verify(copy).ok();
        });
  }

  @Test
  void insertingAForgedLineWithItsOwnValidHashIsDetected() {
    qt().withExamples(100)
        .forAll(integers().between(0, EVENTS), strings().basicLatinAlphabet().ofLengthBetween(1, 10))
        .check((at, user) -> {
          List<byte[]> copy = copy(lines);
          copy.add(at, forge(at, user.isBlank() ? "mallory" : user));
          return !verify(copy).ok();
        });
  }

  @Test
  void replacingAnyLineWithAForgedOneIsDetected() {
    qt().withExamples(50)
        .forAll(integers().between(0, EVENTS - 1))
        .check(at -> {
          List<byte[]> copy = copy(lines);
          copy.set(at, forge(at, "mallory"));
          return !verify(copy).ok();
        });
  }

  @Test
  void swappingAnyTwoLinesIsDetected() {
    qt().withExamples(100)
        .forAll(integers().between(0, EVENTS - 1), integers().between(0, EVENTS - 1))
        .assuming((a, b) -> !a.equals(b))
        .check((a, b) -> {
          List<byte[]> copy = copy(lines);
          byte[] t = copy.get(a);
          copy.set(a, copy.get(b));
          copy.set(b, t);
          return !verify(copy).ok();
        });
  }

  /**
   * A line an attacker who knows the format writes at position {@code at}: right seq, the previous
   * line's hash, and a correct hash of its own.
   */
  private static byte[] forge(int at, String user) {
    String prev = at == 0 ? ChainLine.GENESIS : hashOf(lines.get(at - 1));
    AuditEvent e = withUser(AuditTestEvents.event(at + 1), user);
    byte[] built = ChainLine.build(EventJsonWriter.writeOpen(e), at + 1, prev, Sha256.newDigest()).bytes();
    return Arrays.copyOf(built, built.length - 1);
  }

  private static String hashOf(byte[] line) {
    return ChainLine.parse(line, line.length, Sha256.newDigest()).storedHash();
  }

  private static AuditEvent withUser(AuditEvent e, String user) {
    return new AuditEvent(
        e.level(), e.auditId(), e.stage(), e.requestUri(), e.verb(), Identity.of(user), e.impersonatedUser(),
        e.sourceIps(), e.userAgent(), e.objectRef(), e.responseStatus(), e.requestObject(), e.responseObject(),
        e.requestReceivedTimestamp(), e.stageTimestamp(), Map.copyOf(e.annotations()));
  }

  private static AuditVerificationResult verify(List<byte[]> content) {
    Path file = dir.resolve("mutant-" + files.incrementAndGet() + ".jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] l : content) {
      out.writeBytes(l);
      out.write('\n');
    }
    try {
      Files.write(file, out.toByteArray());
      return AuditVerifier.verify(List.of(file), closedChain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // temp dir cleanup removes it
      }
    }
  }

  private static List<byte[]> copy(List<byte[]> src) {
    List<byte[]> out = new ArrayList<>();
    src.forEach(l -> out.add(l.clone()));
    return out;
  }

  private static List<byte[]> splitLines(byte[] all) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        out.add(Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    assertThat(start).as("file ends with a newline").isEqualTo(all.length);
    assertThat(new String(out.get(0), StandardCharsets.UTF_8)).contains("\"kubeguard.dev/seq\":\"1\"");
    return out;
  }
}

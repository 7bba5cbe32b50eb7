package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Masking streams reuse a thread's spare buffers and HMAC. Many responses read on one thread at
 * once (an async client's I/O thread), some abandoned or failed half-way, must each come out as
 * that body masked on its own: no byte of one response in another, no token from another's
 * HMAC state.
 */
class InterleavedStreamsPropertiesTest {

  private static final DefaultMasker MASKER = Masking.masker();
  private static final String[] CAPTURES = {
    "secret-get.json", "secret-list.json", "configmap-get.json", "deployment-get.json",
    "secret-watch.jsonstream", "secret-list-table-includeObject.json", "serviceaccount-tokenrequest.json",
  };
  private static final byte[][] BODIES = new byte[CAPTURES.length + 1][];
  private static final byte[][] ALONE = new byte[BODIES.length][];

  static {
    for (int i = 0; i < CAPTURES.length; i++) {
      BODIES[i] = capture(CAPTURES[i]);
    }
    BODIES[CAPTURES.length] = "{\"kind\":\"Secret\",\"data\":{\"k\":\"bm90IGpzb24=\"}, broken".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < BODIES.length; i++) {
      try {
        ALONE[i] = Masking.mask(MASKER, "default", "application/json", BODIES[i]).body();
      } catch (MaskingException e) {
        ALONE[i] = null; // the broken body: withheld alone, withheld interleaved
      }
    }
  }

  private static byte[] capture(String name) {
    try (InputStream in = InterleavedStreamsPropertiesTest.class.getResourceAsStream(DetectorsOnRealCapturesTest.DIR + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One response being read: its stream, how far it is, where its output goes. */
  private static final class Reading {
    final int body;
    final MaskingStream stream;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at;
    boolean failed;
    final boolean abandon;

    Reading(int body, boolean abandon) throws MaskingException {
      this.body = body;
      this.abandon = abandon;
      this.stream = MASKER.open(new MaskingContext("default", "application/json", Masking.request("get", "secrets", "")), c -> {
        byte[] b = new byte[c.remaining()];
        c.get(b);
        out.write(b, 0, b.length);
      });
    }
  }

  @Test
  void responsesMaskedAtOnceOnOneThreadEachComeOutAsIfAlone() {
    qt().withExamples(300)
        .forAll(longs().all(), integers().between(2, 6))
        .checkAssert((seed, streams) -> {
          try {
            interleave(new Random(seed), streams);
          } catch (MaskingException e) {
            throw new AssertionError(e);
          }
        });
  }

  private static void interleave(Random r, int streams) throws MaskingException {
    List<Reading> live = new ArrayList<>();
    List<Reading> done = new ArrayList<>();
    int started = 0;
    while (started < streams || !live.isEmpty()) {
      if (started < streams && (live.isEmpty() || r.nextInt(3) == 0)) {
        live.add(new Reading(r.nextInt(BODIES.length), r.nextInt(6) == 0));
        started++;
        continue;
      }
      Reading x = live.get(r.nextInt(live.size()));
      byte[] body = BODIES[x.body];
      if (x.abandon && x.at > body.length / 3) {
        live.remove(x); // the client went away: never finished, never failed
        continue;
      }
      try {
        if (x.at < body.length) {
          int n = Math.min(body.length - x.at, 1 + r.nextInt(r.nextBoolean() ? 64 : 4096));
          x.stream.write(ByteBuffer.wrap(body, x.at, n));
          x.at += n;
        } else {
          x.stream.finish();
          live.remove(x);
          done.add(x);
        }
      } catch (MaskingException e) {
        x.failed = true;
        live.remove(x);
        done.add(x);
      }
    }
    for (Reading x : done) {
      if (ALONE[x.body] == null) {
        assertThat(x.failed).as("the broken body is withheld").isTrue();
      } else {
        assertThat(x.failed).as("%s failed", CAPTURES[x.body]).isFalse();
        assertThat(new String(x.out.toByteArray(), StandardCharsets.UTF_8))
            .as("%s interleaved", CAPTURES[x.body])
            .isEqualTo(new String(ALONE[x.body], StandardCharsets.UTF_8));
      }
    }
  }
}

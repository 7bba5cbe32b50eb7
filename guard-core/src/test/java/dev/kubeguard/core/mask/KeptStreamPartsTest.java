package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JSON stream's parts (scanner, window, engine, tokens) go back to the masker after a clean
 * finish and serve the next body. Whatever the bodies before it (failed, abandoned, large, holding
 * embedded JSON), a body must come out byte for byte as a masker that never masked anything masks
 * it, and a finished stream must never again reach the parts another body now uses.
 */
class KeptStreamPartsTest {

  private static final String[] CAPTURES = {
    "secret-get.json", "secret-list.json", "configmap-get.json", "deployment-get.json",
    "secret-watch.jsonstream", "secret-list-table-includeObject.json", "serviceaccount-tokenrequest.json",
    "must-not-leak.json",
  };
  private static final List<byte[]> BODIES = new ArrayList<>();
  private static final List<String> NAMES = new ArrayList<>();
  // what a masker with no kept parts makes of each body, alone; null where it withholds it
  private static final List<Masking.Result> FRESH = new ArrayList<>();

  static {
    for (String c : CAPTURES) {
      add(c, capture(c));
    }
    byte[] list = capture("secret-list.json");
    add("secret-list cut short", Arrays.copyOf(list, list.length / 2));
    add("broken", "{\"kind\":\"Secret\",\"data\":{\"k\":\"bm90IGpzb24=\"}, broken".getBytes(StandardCharsets.UTF_8));
    add("duplicate key", "{\"kind\":\"Secret\",\"data\":{\"k\":\"YQ==\",\"k\":\"Yg==\"}}".getBytes(StandardCharsets.UTF_8));
    // grows the tokens' buffers past what kept parts keep
    byte[] big = new byte[20_000];
    new Random(7).nextBytes(big);
    add("large secret", ("{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"big\"},\"data\":{\"blob\":\""
        + Base64.getEncoder().encodeToString(big) + "\"},\"stringData\":{\"p\":\"" + "x".repeat(9000) + "\"}}")
        .getBytes(StandardCharsets.UTF_8));
    // kind after data: the engine holds output, then re-decides
    add("kind last", "{\"data\":{\"password\":\"aHVudGVyMg==\"},\"metadata\":{\"name\":\"late\"},\"kind\":\"Secret\"}"
        .getBytes(StandardCharsets.UTF_8));
    for (byte[] b : BODIES) {
      FRESH.add(fresh(b));
    }
  }

  private static void add(String name, byte[] body) {
    NAMES.add(name);
    BODIES.add(body);
  }

  private static Masking.Result fresh(byte[] body) {
    return maskOrNull(Masking.masker(), body, null);
  }

  /** The body masked in chunks drawn from {@code r} (whole when null), or null when withheld. */
  private static Masking.Result maskOrNull(DefaultMasker masker, byte[] body, Random r) {
    try {
      return Masking.mask(masker, "default", "application/json", body, r);
    } catch (MaskingException e) {
      return null;
    }
  }

  private static byte[] capture(String name) {
    try (InputStream in = KeptStreamPartsTest.class.getResourceAsStream(DetectorsOnRealCapturesTest.DIR + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyBodyMasksAsOnANewMaskerWhateverCameBeforeIt() {
    qt().withExamples(150)
        .forAll(longs().all())
        .checkAssert(seed -> {
          DefaultMasker masker = Masking.masker();
          Random r = new Random(seed);
          int count = 2 + r.nextInt(12);
          for (int i = 0; i < count; i++) {
            int body = r.nextInt(BODIES.size());
            if (r.nextInt(5) == 0) {
              abandonHalfway(masker, BODIES.get(body), r);
              continue;
            }
            Masking.Result got = maskOrNull(masker, BODIES.get(body), r);
            Masking.Result want = FRESH.get(body);
            if (want == null) {
              assertThat(got).as("%s is withheld after %d bodies", NAMES.get(body), i).isNull();
            } else {
              assertThat(got).as("%s is masked after %d bodies", NAMES.get(body), i).isNotNull();
              assertThat(got.text()).as("%s after %d bodies", NAMES.get(body), i).isEqualTo(want.text());
              assertThat(got.masked()).as("%s's masked count", NAMES.get(body)).isEqualTo(want.masked());
            }
          }
        });
  }

  private static void abandonHalfway(DefaultMasker masker, byte[] body, Random r) {
    try {
      MaskingStream s = open(masker, new ByteArrayOutputStream());
      s.write(ByteBuffer.wrap(body, 0, r.nextInt(body.length)));
    } catch (MaskingException e) {
      // failed half-way: just as abandoned
    }
  }

  @Test
  void aFinishedStreamRefusesLaterCallsAndLeavesTheNextBodyAlone() throws Exception {
    DefaultMasker masker = Masking.masker();
    byte[] secret = capture("secret-get.json");
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    MaskingStream done = open(masker, first);
    done.write(ByteBuffer.wrap(secret));
    done.finish();
    int maskedFirst = done.maskedCount();

    ByteArrayOutputStream second = new ByteArrayOutputStream();
    MaskingStream next = open(masker, second); // takes the parts the first gave back
    next.write(ByteBuffer.wrap(secret, 0, 100));
    assertThatThrownBy(() -> done.write(ByteBuffer.wrap(capture("configmap-get.json"))))
        .isInstanceOf(MaskingException.class);
    assertThatThrownBy(done::finish).isInstanceOf(MaskingException.class);
    next.write(ByteBuffer.wrap(secret, 100, secret.length - 100));
    next.finish();

    Masking.Result want = FRESH.get(0);
    assertThat(first.toString(StandardCharsets.UTF_8)).isEqualTo(want.text());
    assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo(want.text());
    assertThat(maskedFirst).isEqualTo(want.masked()).isPositive();
    assertThat(done.maskedCount()).as("the finished stream keeps its count").isEqualTo(maskedFirst);
    assertThat(next.maskedCount()).isEqualTo(want.masked());
  }

  @Test
  void keptPartsLetTheLastBodysSinkGo() throws Exception {
    DefaultMasker masker = Masking.masker();
    WeakReference<ChunkSink> sink = maskOnceThroughOwnSink(masker);
    for (int i = 0; i < 100 && sink.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertThat(sink.get()).as("the adapter's sink, once its body finished, while the masker lives").isNull();
    assertThat(maskOrNull(masker, BODIES.get(0), null).text()).isEqualTo(FRESH.get(0).text());
  }

  private static WeakReference<ChunkSink> maskOnceThroughOwnSink(DefaultMasker masker) throws MaskingException {
    long[] seen = new long[1]; // captured, so the sink is an instance of its own, not a shared lambda
    ChunkSink sink = c -> {
      seen[0] += c.remaining();
      c.position(c.limit());
    };
    MaskingStream s = masker.open(new MaskingContext("default", "application/json", Masking.request("get", "secrets", "")), sink);
    s.write(ByteBuffer.wrap(BODIES.get(0)));
    s.finish();
    return new WeakReference<>(sink);
  }

  @Test
  void threadsSharingAMaskerEachGetTheirOwnBodyMasked() throws Exception {
    DefaultMasker masker = Masking.masker();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        runs.add(pool.submit(() -> {
          Random r = new Random(seed);
          for (int i = 0; i < 300; i++) {
            int body = r.nextInt(BODIES.size());
            Masking.Result got = maskOrNull(masker, BODIES.get(body), r);
            Masking.Result want = FRESH.get(body);
            assertThat(got == null ? null : got.text()).as(NAMES.get(body)).isEqualTo(want == null ? null : want.text());
          }
          return null;
        }));
      }
      for (Future<?> f : runs) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static MaskingStream open(DefaultMasker masker, ByteArrayOutputStream out) throws MaskingException {
    return masker.open(new MaskingContext("default", "application/json", Masking.request("get", "secrets", "")), c -> {
      byte[] b = new byte[c.remaining()];
      c.get(b);
      out.write(b, 0, b.length);
    });
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingStream;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Masking memory does not grow with the body: 200 MB generated lazily (never held) go through one
 * open masking stream in a child JVM limited to 64 MB of heap, and the heap the child retains
 * (after full collections, {@link RetainedHeap}) once 200 MB went through is within
 * {@link RetainedHeap#MAX_GROWTH} of what it retained after the first 20 MB. A SecretList (values rewritten),
 * a PodList (the byte-preserving path) and a {@code pods/log} text stream (100 MB); and, to show the
 * harness can fail, a masker that keeps every fourth chunk ({@link LeakyMasker}).
 *
 * <p>Each child is waited for at most {@link #CHILD_TIMEOUT} and killed after; a hung child or
 * one that runs out of heap fails the test with its output.
 */
class ConstantMemoryTest {

  static final long TARGET_BYTES = 200L * 1024 * 1024;
  /** Text is masked line by line, more slowly: 100 MB shows the same and keeps the suite quick. */
  static final long LOG_BYTES = 100L * 1024 * 1024;
  static final long CHECKPOINT_BYTES = 20L * 1024 * 1024;
  static final Duration CHILD_TIMEOUT = ChildJvm.MEMORY_TIMEOUT;

  /** The bodies a child can mask. */
  enum Body {
    SECRETS(SecretListStream.CONTENT_TYPE, () -> Masking.request("list", "secrets", ""), SecretListStream::new,
        SecretListStream.SECRET, SecretListStream.SECRET_B64),
    PODS(PodListStream.CONTENT_TYPE, () -> Masking.request("list", "pods", ""), PodListStream::new,
        PodListStream.SECRET),
    LOG(PodLogStream.CONTENT_TYPE, () -> Masking.request("get", "pods", "log"), PodLogStream::new,
        PodLogStream.SECRET);

    final String contentType;
    final Supplier<AccessRequest> request;
    final LongFunction<GeneratedBody> body;
    final List<String> secrets;

    Body(String contentType, Supplier<AccessRequest> request, LongFunction<GeneratedBody> body, String... secrets) {
      this.contentType = contentType;
      this.request = request;
      this.body = body;
      this.secrets = List.of(secrets);
    }
  }

  static ChildJvm.Result mask(Body body, long target, int leakEvery, List<String> options) throws Exception {
    return ChildJvm.run(CHILD_TIMEOUT, options, MaskingChild.class,
            body.name(), Long.toString(target), Long.toString(CHECKPOINT_BYTES), Integer.toString(leakEvery))
        .assertSucceeded();
  }

  static long growth(ChildJvm.Result r) {
    return RetainedHeap.growth(r);
  }

  static void assertConstantMemory(ChildJvm.Result r, long target) {
    RetainedHeap.assertConstant(r, CHECKPOINT_BYTES, target);
    assertThat(r.value("in")).isGreaterThanOrEqualTo(target);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void retainedHeapDoesNotGrowThroughA200MegabyteSecretList() throws Exception {
    ChildJvm.Result r = mask(Body.SECRETS, TARGET_BYTES, 0, ChildJvm.MEMORY_OPTIONS);

    assertConstantMemory(r, TARGET_BYTES);
    long items = SecretListStream.itemsFor(TARGET_BYTES);
    assertThat(r.value("items")).isEqualTo(items);
    assertThat(r.value("masked")).isEqualTo(SecretListStream.MASKED_PER_ITEM * items);
    assertThat(r.value("leaked")).isZero();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void retainedHeapDoesNotGrowThroughA200MegabytePodListAndOnlyTheSecretChanges() throws Exception {
    ChildJvm.Result r = mask(Body.PODS, TARGET_BYTES, 0, ChildJvm.MEMORY_OPTIONS);

    assertConstantMemory(r, TARGET_BYTES);
    long items = PodListStream.itemsFor(TARGET_BYTES);
    assertThat(r.value("items")).isEqualTo(items);
    assertThat(r.value("masked")).isEqualTo(items);
    assertThat(r.value("leaked")).isZero();
    // the token is as long as the secret: any other rewrite would change the length
    assertThat(r.value("out")).isEqualTo(r.value("in"));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void retainedHeapDoesNotGrowThroughA100MegabytePodLog() throws Exception {
    ChildJvm.Result r = mask(Body.LOG, LOG_BYTES, 0, ChildJvm.MEMORY_OPTIONS);

    assertConstantMemory(r, LOG_BYTES);
    assertThat(r.value("masked")).isEqualTo(PodLogStream.secretLines(r.value("items")));
    assertThat(r.value("leaked")).isZero();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void harnessReportsGrowthWhenTheMaskerKeepsEveryFourthChunk() throws Exception {
    // room for the 50 MB it keeps: the point is that the measurement sees it, not that it runs out
    List<String> options = new ArrayList<>(ChildJvm.MEMORY_OPTIONS);
    options.replaceAll(o -> o.startsWith("-Xmx") ? "-Xmx192m" : o);

    ChildJvm.Result r = mask(Body.SECRETS, TARGET_BYTES, 4, options);

    // its output is the real masker's: only memory tells it apart
    long items = SecretListStream.itemsFor(TARGET_BYTES);
    assertThat(r.value("masked")).isEqualTo(SecretListStream.MASKED_PER_ITEM * items);
    assertThat(r.value("leaked")).isZero();
    // a quarter of the 180 MB between the readings
    assertThat(growth(r)).isGreaterThan((TARGET_BYTES - CHECKPOINT_BYTES) / 4 * 9 / 10);
    assertThatThrownBy(() -> assertConstantMemory(r, TARGET_BYTES)).isInstanceOf(AssertionError.class).hasMessageContaining("grew by");
  }

  @Test
  void generatedListIsTheSizeAsked() {
    SecretListStream s = new SecretListStream(1024 * 1024);
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = s.read(buf, 0, buf.length)) > 0) {
      total += n;
    }
    assertThat(total).isGreaterThanOrEqualTo(1024 * 1024).isLessThan(1024 * 1024 + 4096);
    assertThat(s.items).isEqualTo(SecretListStream.itemsFor(1024 * 1024));
  }

  /**
   * Runs in the child JVM: masks one generated body through one stream and reports the retained
   * heap at the checkpoint and at the end (both while the stream is open), sizes, counts, and how
   * often a planted secret reached the output. Arguments: body, total bytes, checkpoint bytes,
   * leak interval (0: the real masker).
   */
  public static final class MaskingChild {
    public static void main(String[] args) throws Exception {
      Body body = Body.valueOf(args[0]);
      long total = Long.parseLong(args[1]);
      long checkpoint = Long.parseLong(args[2]);
      int leakEvery = Integer.parseInt(args[3]);
      Masker masker = DefaultMasker.builder().randomKey().build();
      if (leakEvery > 0) {
        masker = new LeakyMasker(masker, leakEvery);
      }
      List<NeedleCounter> leaks = body.secrets.stream().map(NeedleCounter::new).toList();
      long[] out = new long[1];
      MaskingStream s =
          masker.open(new MaskingContext("default", body.contentType, body.request.get()), c -> {
            out[0] += c.remaining();
            leaks.forEach(l -> l.scan(c));
            c.position(c.limit());
          });
      GeneratedBody in = body.body.apply(total);
      byte[] buf = new byte[64 * 1024];
      long atCheckpoint = -1;
      int n;
      while ((n = in.read(buf, 0, buf.length)) > 0) {
        s.write(ByteBuffer.wrap(buf, 0, n));
        if (atCheckpoint < 0 && in.produced >= checkpoint) {
          atCheckpoint = RetainedHeap.sample();
        }
      }
      long atEnd = RetainedHeap.sample();
      s.finish();
      Reference.reachabilityFence(s);
      ChildJvm.report("heapAtCheckpoint", atCheckpoint);
      ChildJvm.report("heapAtEnd", atEnd);
      ChildJvm.report("in", in.produced);
      ChildJvm.report("out", out[0]);
      ChildJvm.report("items", in.items);
      ChildJvm.report("masked", s.maskedCount());
      ChildJvm.report("leaked", leaks.stream().mapToLong(NeedleCounter::count).sum());
      ChildJvm.report("maxHeap", Runtime.getRuntime().maxMemory());
    }
  }
}

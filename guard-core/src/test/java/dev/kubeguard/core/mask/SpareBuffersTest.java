package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A thread's spares stay small (in each pool at most {@code slots} arrays of at most
 * {@code maxKept} bytes, whatever it was given) and never hand one array to two holders at once,
 * even with both pools in use on the thread.
 */
class SpareBuffersTest {

  @Test
  void aThreadKeepsAtMostTwoArraysOfBoundedSizePerPoolAndNeverLendsOneTwice() throws Exception {
    Thread t = new Thread(() -> {
      Random r = new Random(7);
      Map<byte[], Boolean> lent = new IdentityHashMap<>();
      Map<byte[], SpareBuffers<byte[]>> pools = new IdentityHashMap<>();
      List<byte[]> held = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        if (held.isEmpty() || r.nextBoolean()) {
          int min = r.nextInt(4) == 0 ? r.nextInt(1 << 20) : r.nextInt(80 * 1024);
          SpareBuffers<byte[]> pool = r.nextBoolean() ? SpareBuffers.STREAMS : SpareBuffers.PARTS;
          byte[] b = pool.take(min);
          assertThat(b.length).isGreaterThanOrEqualTo(min);
          assertThat(lent.put(b, Boolean.TRUE)).as("an array lent while still held").isNull();
          held.add(b);
          pools.put(b, pool);
        } else {
          byte[] b = held.remove(r.nextInt(held.size()));
          lent.remove(b);
          pools.remove(b).give(b);
        }
      }
      held.forEach(b -> pools.remove(b).give(b));
      lent.clear();
      // what the thread keeps now: take everything each pool would lend without allocating
      for (SpareBuffers<byte[]> pool : List.of(SpareBuffers.STREAMS, SpareBuffers.PARTS)) {
        int arrays = 0;
        for (int i = 0; i < 10; i++) {
          byte[] b = pool.take(1);
          if (b.length > 1) {
            assertThat(b.length).isLessThanOrEqualTo(pool.maxKept);
            assertThat(lent.put(b, Boolean.TRUE)).as("an array kept by both pools").isNull();
            arrays++;
          }
        }
        assertThat(arrays).isLessThanOrEqualTo(pool.slots);
      }
    });
    Throwable[] failure = new Throwable[1];
    t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
    t.start();
    t.join(60_000);
    assertThat(t.isAlive()).as("finished").isFalse();
    if (failure[0] != null) {
      throw new AssertionError(failure[0]);
    }
  }
}

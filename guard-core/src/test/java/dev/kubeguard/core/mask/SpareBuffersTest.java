package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A thread's spares stay small (at most {@link SpareBuffers#SLOTS} arrays of at most
 * {@link SpareBuffers#MAX_KEPT} bytes and {@link SpareBuffers#MAX_TOTAL} in all, whatever it was
 * given) and never hand one array to two holders at once.
 */
class SpareBuffersTest {

  @Test
  void aThreadKeepsAtMostFourArraysOfAtMost256KilobytesInAllAndNeverLendsOneTwice() throws Exception {
    Thread t = new Thread(() -> {
      Random r = new Random(7);
      Map<byte[], Boolean> lent = new IdentityHashMap<>();
      List<byte[]> held = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        if (held.isEmpty() || r.nextBoolean()) {
          int min = r.nextInt(4) == 0 ? r.nextInt(1 << 20) : r.nextInt(80 * 1024);
          byte[] b = SpareBuffers.take(min);
          assertThat(b.length).isGreaterThanOrEqualTo(min);
          assertThat(lent.put(b, Boolean.TRUE)).as("an array lent while still held").isNull();
          held.add(b);
        } else {
          byte[] b = held.remove(r.nextInt(held.size()));
          lent.remove(b);
          SpareBuffers.give(b);
        }
      }
      held.forEach(SpareBuffers::give);
      // what the thread keeps now: take everything it would lend without allocating
      long kept = 0;
      int arrays = 0;
      for (int i = 0; i < 10; i++) {
        byte[] b = SpareBuffers.take(1);
        if (b.length > 1) {
          kept += b.length;
          arrays++;
        }
      }
      assertThat(arrays).isLessThanOrEqualTo(SpareBuffers.SLOTS);
      assertThat(kept).isLessThanOrEqualTo(SpareBuffers.MAX_TOTAL);
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

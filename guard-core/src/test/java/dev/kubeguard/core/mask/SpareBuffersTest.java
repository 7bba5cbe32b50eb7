package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The spares are shared by every thread: one array is never lent to two holders at once however
 * many threads take and give together, what the pools keep stays small (in each pool at most
 * {@code slots} arrays of at most {@code maxKept} bytes, whatever they were given), and an array
 * given back on one thread serves the next taker on another (a client that runs each request on
 * a new thread reuses them too).
 */
class SpareBuffersTest {

  @Test
  void threadsTakingAndGivingAtOnceNeverHoldOneArrayTogetherAndThePoolsStayBounded() throws Exception {
    Map<byte[], Boolean> lent = Collections.synchronizedMap(new IdentityHashMap<>());
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        done.add(threads.submit(() -> {
          Random r = new Random(seed);
          Map<byte[], SpareBuffers<byte[]>> held = new IdentityHashMap<>();
          List<byte[]> order = new ArrayList<>();
          for (int i = 0; i < 20_000; i++) {
            if (order.isEmpty() || r.nextBoolean()) {
              int min = r.nextInt(4) == 0 ? r.nextInt(1 << 20) : r.nextInt(80 * 1024);
              SpareBuffers<byte[]> pool = r.nextBoolean() ? SpareBuffers.STREAMS : SpareBuffers.PARTS;
              byte[] b = pool.take(min);
              assertThat(b.length).isGreaterThanOrEqualTo(min);
              assertThat(lent.put(b, Boolean.TRUE)).as("an array lent while another holder has it").isNull();
              held.put(b, pool);
              order.add(b);
            } else {
              byte[] b = order.remove(r.nextInt(order.size()));
              lent.remove(b);
              held.remove(b).give(b);
            }
          }
          for (byte[] b : order) {
            lent.remove(b);
            held.remove(b).give(b);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    // what the pools keep now: take everything each would lend without allocating
    for (SpareBuffers<byte[]> pool : List.of(SpareBuffers.STREAMS, SpareBuffers.PARTS)) {
      List<byte[]> kept = new ArrayList<>();
      for (int i = 0; i < 3 * pool.slots; i++) {
        byte[] b = pool.take(1);
        if (b.length > 1) {
          assertThat(b.length).isLessThanOrEqualTo(pool.maxKept);
          assertThat(lent.put(b, Boolean.TRUE)).as("an array kept by both pools, or twice").isNull();
          kept.add(b);
        }
      }
      assertThat(kept.size()).isLessThanOrEqualTo(pool.slots);
      kept.forEach(pool::give);
    }
  }

  @Test
  void anArrayGivenBackOnOneThreadServesTheNextTakerOnAnother() throws Exception {
    byte[][] given = new byte[1][];
    Thread giver = new Thread(() -> {
      given[0] = SpareBuffers.PARTS.take(4096);
      SpareBuffers.PARTS.give(given[0]);
    });
    giver.start();
    giver.join(10_000);
    assertThat(given[0]).isNotNull();

    List<byte[]> taken = new ArrayList<>();
    for (int i = 0; i < SpareBuffers.PARTS.slots; i++) {
      taken.add(SpareBuffers.PARTS.take(4096));
    }
    try {
      assertThat(taken).anySatisfy(b -> assertThat(b).isSameAs(given[0]));
    } finally {
      taken.forEach(SpareBuffers.PARTS::give);
    }
  }
}

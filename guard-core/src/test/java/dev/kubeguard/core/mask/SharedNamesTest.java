package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A masker's name cache is one for every thread: threads that read, miss and replace its slots at
 * once, with far more names than it holds, each always get the field name of the very bytes they
 * passed.
 */
class SharedNamesTest {

  @Test
  void threadsReadingAndReplacingNamesAtOnceEachGetTheFieldNameOfTheirOwnBytes() throws Exception {
    SensitiveNames sensitive = new SensitiveNames(true, List.of());
    SharedNames table = new SharedNames(n -> new FieldName(n, sensitive));
    List<byte[]> names = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      // names of every length up to the limit, many sharing a hash set's slots
      String name = "n" + i + "-" + "x".repeat(i % (SharedNames.MAX_LENGTH - 6));
      names.add(("  " + name + "\"").getBytes(StandardCharsets.US_ASCII));
    }
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        done.add(threads.submit(() -> {
          Random r = new Random(seed);
          int hits = 0;
          for (int i = 0; i < 100_000; i++) {
            // mostly a few hot names, as bodies have, and a stream of cold ones evicting them
            byte[] w = names.get(r.nextInt(4) == 0 ? r.nextInt(names.size()) : r.nextInt(50));
            int n = w.length - 3;
            String expected = new String(w, 2, n, StandardCharsets.US_ASCII);
            FieldName got = table.of(w, 2, n);
            assertThat(got.name).isEqualTo(expected);
            hits += got == table.of(w, 2, n) ? 1 : 0;
          }
          return hits;
        }));
      }
      int hits = 0;
      for (Future<Integer> f : done) {
        hits += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(hits).as("a name asked twice in a row is mostly the same instance").isGreaterThan(200_000);
    } finally {
      threads.shutdownNow();
    }
  }
}

package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditIdsTest {

  private static final String CANONICAL_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  @Test
  void idsAreCanonicalVersion4UuidsAsKubeApiserverMakesThem() {
    AuditIds ids = new AuditIds();
    for (int i = 0; i < 1000; i++) { // past many refills of the pool
      String id = ids.next();
      assertThat(id).matches(CANONICAL_V4);
      UUID u = UUID.fromString(id);
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
    }
  }

  @Test
  void everyRandomBitTakesBothValues() {
    AuditIds ids = new AuditIds();
    long msbSeen0 = 0, msbSeen1 = 0, lsbSeen0 = 0, lsbSeen1 = 0;
    for (int i = 0; i < 2000; i++) {
      UUID u = UUID.fromString(ids.next());
      msbSeen1 |= u.getMostSignificantBits();
      msbSeen0 |= ~u.getMostSignificantBits();
      lsbSeen1 |= u.getLeastSignificantBits();
      lsbSeen0 |= ~u.getLeastSignificantBits();
    }
    long versionBits = 0xF000L;
    long variantBits = 0xC0L << 56;
    assertThat(msbSeen1 & msbSeen0).as("msb bits that vary").isEqualTo(~versionBits);
    assertThat(lsbSeen1 & lsbSeen0).as("lsb bits that vary").isEqualTo(~variantBits);
  }

  @Test
  void threadsNeverGetTheSameId() throws Exception {
    AuditIds ids = new AuditIds();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 5000; i++) {
            assertThat(seen.add(ids.next())).isTrue();
          }
          return null;
        }));
      }
      for (Future<?> f : runs) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).hasSize(20_000);
  }
}

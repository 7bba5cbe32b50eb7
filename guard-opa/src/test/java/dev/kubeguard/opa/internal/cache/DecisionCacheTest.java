package dev.kubeguard.opa.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kubeguard.api.Decision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {

  private final AtomicLong now = new AtomicLong();

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void forgetsADecisionOnceItsTtlHasPassed() {
    DecisionCache cache = new DecisionCache(Duration.ofSeconds(5), 10, now::get);
    cache.put(key("a"), Decision.allow());

    now.addAndGet(Duration.ofMillis(4_999).toNanos());
    assertThat(cache.get(key("a"))).isEqualTo(Decision.allow());
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(cache.get(key("a"))).isNull();
  }

  @Test
  void evictsTheLeastRecentlyUsedPastItsBound() {
    DecisionCache cache = new DecisionCache(Duration.ofMinutes(1), 2, now::get);
    cache.put(key("a"), Decision.allow());
    cache.put(key("b"), Decision.deny("b"));
    cache.get(key("a"));
    cache.put(key("c"), Decision.deny("c"));

    assertThat(cache.get(key("a"))).isNotNull();
    assertThat(cache.get(key("b"))).isNull();
    assertThat(cache.get(key("c"))).isNotNull();
  }

  @Test
  void neverHoldsMoreThanItsBound() {
    qt().withExamples(50)
        .forAll(integers().between(1, 8), lists().of(integers().between(0, 40)).ofSizeBetween(0, 100))
        .checkAssert((max, keys) -> {
          DecisionCache cache = new DecisionCache(Duration.ofMinutes(1), max, now::get);
          keys.forEach(k -> cache.put(key("k" + k), Decision.deny("k" + k)));
          assertThat(cache.size()).isLessThanOrEqualTo(max);
        });
  }

  @Test
  void distinguishesInputsByContent() {
    DecisionCache cache = new DecisionCache(Duration.ofMinutes(1), 10, now::get);
    cache.put(key("{\"user\":\"alice\"}"), Decision.allow());

    assertThat(cache.get(key("{\"user\":\"alice\"}"))).isEqualTo(Decision.allow());
    assertThat(cache.get(key("{\"user\":\"mallory\"}"))).isNull();
  }
}

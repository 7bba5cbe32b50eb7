package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memory tests' child JVMs cannot hang the build, and a failing child shows what it said. */
class ChildJvmTest {

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aChildThatHangsIsKilledAtTheTimeoutAndFailsWithItsOutput() {
    assertThatThrownBy(() -> ChildJvm.run(Duration.ofSeconds(5), ChildJvm.MEMORY_OPTIONS, Hangs.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Hangs did not finish within PT5S and was killed")
        .hasMessageContaining("probe started=1");
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aChildThatRunsOutOfHeapFailsWithItsOutput() throws Exception {
    ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(30), ChildJvm.MEMORY_OPTIONS, Hoards.class);

    assertThatThrownBy(r::assertSucceeded)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exited 3")
        .hasMessageContaining("OutOfMemoryError");
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aChildsFiguresAreReadBack() throws Exception {
    ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(30), ChildJvm.MEMORY_OPTIONS, Hangs.class, "no");

    assertThat(r.assertSucceeded().value("started")).isEqualTo(1);
    assertThatThrownBy(() -> r.value("missing")).isInstanceOf(AssertionError.class).hasMessageContaining("probe started=1");
  }

  /** Reports, then sleeps for ever unless told {@code no}. */
  public static final class Hangs {
    public static void main(String[] args) throws InterruptedException {
      ChildJvm.report("started", 1);
      if (args.length == 0) {
        Thread.sleep(Long.MAX_VALUE);
      }
    }
  }

  /** Keeps everything it allocates. */
  public static final class Hoards {
    public static void main(String[] args) {
      List<byte[]> kept = new ArrayList<>();
      while (true) {
        kept.add(new byte[1 << 20]);
      }
    }
  }
}

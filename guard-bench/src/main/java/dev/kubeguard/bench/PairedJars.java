package dev.kubeguard.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The masker of two builds (two {@code benchmarks.jar}s, each in its own class loader) and a plain
 * Jackson copy, run alternately in one JVM on the same body and timed by the thread's CPU time:
 * on a shared VM whose speed drifts by 2x between runs, a change's effect shows only when both
 * sides see the same drift. Prints the median of {@code rounds} calls of each and their ratios.
 * Not a JMH benchmark: no forks, and one thread. Run:
 * {@code java -cp guard-bench/target/benchmarks.jar dev.kubeguard.bench.PairedJars before.jar after.jar 1024 200 [SecretList,PodList]}.
 */
public final class PairedJars {

  private PairedJars() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: PairedJars <before.jar> <after.jar> <kilobytes> <rounds> [SecretList,PodList]");
      System.exit(2);
    }
    int kilobytes = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    String[] bodies = args.length > 4 ? args[4].split(",") : new String[] {"SecretList", "PodList"};
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String body : bodies) {
      Object before = bench(args[0], body, kilobytes);
      Object after = bench(args[1], body, kilobytes);
      Method maskBefore = before.getClass().getMethod("defaultMasker");
      Method maskAfter = after.getClass().getMethod("defaultMasker");
      Method copy = before.getClass().getMethod("plainJacksonCopy");
      for (int i = 0; i < rounds; i++) { // warm-up: as many calls again
        maskBefore.invoke(before);
        maskAfter.invoke(after);
        copy.invoke(before);
      }
      long[] b = new long[rounds];
      long[] a = new long[rounds];
      long[] c = new long[rounds];
      for (int i = 0; i < rounds; i++) {
        long t0 = threads.getCurrentThreadCpuTime();
        maskBefore.invoke(before);
        long t1 = threads.getCurrentThreadCpuTime();
        maskAfter.invoke(after);
        long t2 = threads.getCurrentThreadCpuTime();
        copy.invoke(before);
        long t3 = threads.getCurrentThreadCpuTime();
        b[i] = t1 - t0;
        a[i] = t2 - t1;
        c[i] = t3 - t2;
      }
      double mb = median(b);
      double ma = median(a);
      double mc = median(c);
      System.out.printf("%s %d KB: before %.0f us, after %.0f us (after/before %.2f); plain copy %.0f us,"
              + " copy/masker before %.2fx, after %.2fx%n",
          body, kilobytes, mb / 1e3, ma / 1e3, ma / mb, mc / 1e3, mc / mb, mc / ma);
    }
  }

  private static double median(long[] times) {
    long[] sorted = times.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static Object bench(String jar, String body, int kilobytes) throws Exception {
    ClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    Class<?> type = loader.loadClass(MaskingBenchmark.class.getName());
    Object bench = type.getConstructor().newInstance();
    type.getField("body").set(bench, body);
    type.getField("kilobytes").setInt(bench, kilobytes);
    type.getField("profile").set(bench, "default");
    PrintStream out = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream())); // setUp prints the body's size
    try {
      type.getMethod("setUp").invoke(bench);
    } finally {
      System.setOut(out);
    }
    return bench;
  }
}

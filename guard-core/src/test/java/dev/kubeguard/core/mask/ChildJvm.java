package dev.kubeguard.core.mask;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class in a child JVM on this JVM's class path, bounded in time: its output
 * goes to a file (a child that writes much cannot block on a full pipe), it is waited for at most
 * the timeout, and it is killed whatever happens. A child that does not finish in time fails the
 * caller with an {@link AssertionError} carrying the end of its output.
 *
 * <p>Children report figures as lines {@code probe <key>=<value>} ({@link #report}), which
 * {@link Result#value} reads back. They must never print bodies: only counts and sizes.
 *
 * <p>Threading: {@link #run} blocks the caller until the child ends or the timeout passes;
 * independent calls may run concurrently.
 */
public final class ChildJvm {

  /**
   * A 64 MB heap and the serial collector ({@link RetainedHeap}); an {@code OutOfMemoryError} on
   * any thread ends the child at once (exit 3, with the error in its output) rather than leaving
   * it half alive until the timeout.
   */
  public static final List<String> MEMORY_OPTIONS =
      List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData");

  /**
   * How long a constant-memory child may take. Unloaded, one masks 200 MB in about 15 s; on a
   * 2-core machine at load 20 one took 107 s. Bounded all the same: a hung child fails the test.
   */
  public static final Duration MEMORY_TIMEOUT = Duration.ofMinutes(4);

  private static final String PROBE = "probe ";
  private static final int OUTPUT_TAIL = 64 * 1024;

  /** What a child said and how it ended. */
  public record Result(int exitCode, String output) {

    /** The figures the child reported with {@link #report}, in order. */
    public Map<String, String> values() {
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : output.split("\n")) {
        int eq = line.indexOf('=');
        if (line.startsWith(PROBE) && eq > 0) {
          values.put(line.substring(PROBE.length(), eq), line.substring(eq + 1).trim());
        }
      }
      return values;
    }

    /** The number the child reported under {@code key}; fails with the output when it did not. */
    public long value(String key) {
      String v = values().get(key);
      if (v == null) {
        throw new AssertionError("the child reported no '" + key + "'; its output:\n" + output);
      }
      return Long.parseLong(v);
    }

    /** Fails with the child's output unless it exited 0. */
    public Result assertSucceeded() {
      if (exitCode != 0) {
        throw new AssertionError("the child exited " + exitCode + "; its output:\n" + output);
      }
      return this;
    }
  }

  /** Prints one figure for the parent (see {@link Result#value}). */
  public static void report(String key, Object value) {
    System.out.println(PROBE + key + "=" + value);
  }

  /**
   * Runs {@code main} with {@code options} and {@code args}; returns once it exited, or throws an
   * {@link AssertionError} with its output after killing it when {@code timeout} passed first.
   */
  public static Result run(Duration timeout, List<String> options, Class<?> main, String... args)
      throws IOException, InterruptedException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(options);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("kubeguard-child-", ".log");
    Process p = null;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            main.getSimpleName() + " did not finish within " + timeout + " and was killed; its output:\n" + tail(log));
      }
      return new Result(p.exitValue(), tail(log));
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
      Files.deleteIfExists(log);
    }
  }

  // Only the end: a child stuck in a loop that prints would otherwise fill the test report.
  private static String tail(Path log) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - OUTPUT_TAIL);
      byte[] b = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(b);
      return (start > 0 ? "[...]\n" : "") + new String(b, StandardCharsets.UTF_8);
    }
  }

  private ChildJvm() {}
}

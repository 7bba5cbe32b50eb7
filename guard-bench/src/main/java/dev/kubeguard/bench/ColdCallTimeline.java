package dev.kubeguard.bench;

import dev.kubeguard.core.Guard;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.okhttp.GuardedOkHttp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Where in its first calls a fresh JVM pays for the guard: each run is a new JVM that builds one
 * OkHttp client ({@code plain}, {@code guarded-no-recorder}, or {@code guarded}: the README's
 * policy, the default masker and a {@code JsonlAuditRecorder} at its default durability, as
 * {@link ColdPathBenchmark} builds them) and times each of its first calls, a GET of one real
 * Secret capture from the in-process stand-in server. The three kinds take turns run by run; the
 * table gives, per range of calls, the median over runs of each run's median call. Not a JMH
 * benchmark (JMH times an operation, not the position of a call in a JVM's life). Run:
 * {@code java -cp guard-bench/target/benchmarks.jar dev.kubeguard.bench.ColdCallTimeline 8 1000}.
 */
public final class ColdCallTimeline {

  private static final List<String> KINDS = List.of("plain", "guarded-no-recorder", "guarded");
  private static final int[] EDGES = {0, 1, 10, 50, 100, 200, 500, 1000, 2000, 5000};

  private ColdCallTimeline() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args[0].equals("--child")) {
      child(args[1], Integer.parseInt(args[2]));
      return;
    }
    if (args.length < 1) {
      System.err.println("usage: ColdCallTimeline <runs per kind> [calls per run, default 1000]");
      System.exit(2);
    }
    int runs = Integer.parseInt(args[0]);
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Map<String, List<long[]>> byKind = new LinkedHashMap<>();
    for (int r = 0; r < runs; r++) {
      for (String kind : KINDS) {
        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(runChild(kind, calls));
      }
    }
    StringBuilder head = new StringBuilder(String.format("%-20s", "calls"));
    for (int k = 0; k + 1 < EDGES.length && EDGES[k + 1] <= calls; k++) {
      head.append(String.format("%12s", EDGES[k] + 1 + "-" + EDGES[k + 1]));
    }
    System.out.println("median µs per call, " + runs + " fresh JVMs per kind, kinds alternating");
    System.out.println(head);
    for (Map.Entry<String, List<long[]>> e : byKind.entrySet()) {
      StringBuilder row = new StringBuilder(String.format("%-20s", e.getKey()));
      for (int k = 0; k + 1 < EDGES.length && EDGES[k + 1] <= calls; k++) {
        long[] perRun = new long[e.getValue().size()];
        for (int i = 0; i < perRun.length; i++) {
          perRun[i] = median(Arrays.copyOfRange(e.getValue().get(i), EDGES[k], EDGES[k + 1]));
        }
        row.append(String.format("%12.0f", median(perRun) / 1e3));
      }
      System.out.println(row);
    }
  }

  private static long[] runChild(String kind, int calls) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx512m", "-Dsun.net.httpserver.nodelay=true",
        "-cp", System.getProperty("java.class.path"), ColdCallTimeline.class.getName(), "--child", kind,
        Integer.toString(calls))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    if (p.waitFor() != 0 || out.isEmpty()) {
      throw new IllegalStateException("the " + kind + " run failed (exit " + p.exitValue() + "): " + out);
    }
    return Arrays.stream(out.split(" ")).mapToLong(Long::parseLong).toArray();
  }

  private static void child(String kind, int calls) throws Exception {
    ColdPathBenchmark.Server s = new ColdPathBenchmark.Server();
    s.start();
    OkHttpClient client = switch (kind) {
      case "plain" -> new OkHttpClient.Builder().build();
      case "guarded" -> GuardedOkHttp.forIdentity(new OkHttpClient.Builder().build(), s.guard(), ColdPathBenchmark.CALLER);
      case "guarded-no-recorder" -> GuardedOkHttp.forIdentity(new OkHttpClient.Builder().build(),
          Guard.builder().policy(PolicyLoader.fromYaml("readme-policy.yaml", ColdPathBenchmark.POLICY))
              .masker(DefaultMasker.builder().randomKey().build()).build(),
          ColdPathBenchmark.CALLER);
      default -> throw new IllegalArgumentException("unknown kind " + kind + "; one of " + KINDS);
    };
    Request request = new Request.Builder().url(s.url + ColdPathBenchmark.SECRET_PATH)
        .header("Authorization", "Bearer bench-token").build();
    long[] nanos = new long[calls];
    byte[] buffer = new byte[8192];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      try (Response r = client.newCall(request).execute(); InputStream in = r.body().byteStream()) {
        if (r.code() != 200) {
          throw new IOException("HTTP " + r.code());
        }
        while (in.read(buffer) != -1) {
          // the whole body, masked or not, as a caller reads it
        }
      }
      nanos[i] = System.nanoTime() - start;
    }
    StringBuilder line = new StringBuilder();
    for (long n : nanos) {
      line.append(line.length() == 0 ? "" : " ").append(n);
    }
    System.out.println(line);
    System.out.flush();
    if (s.recorder != null) {
      s.recorder.close();
    }
    s.server.close();
    TempDirs.delete(s.auditDir);
    // OkHttp's pooled connection threads are not daemons; this JVM's only job is done
    Runtime.getRuntime().halt(0);
  }

  private static long median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0 ? 0 : v[v.length / 2];
  }
}

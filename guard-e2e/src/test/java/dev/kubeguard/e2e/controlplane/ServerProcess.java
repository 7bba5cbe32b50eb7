package dev.kubeguard.e2e.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One control-plane binary running as a child process, its stdout and stderr in a log file.
 *
 * <p>Thread-safe: {@link #stop()} may be called from a shutdown hook while a test thread also
 * stops it; stopping twice is harmless. Failure: {@link #start} throws with the log's tail when the
 * binary cannot be launched.
 */
final class ServerProcess {

  private final String name;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ServerProcess start(String name, Path binary, List<String> args, Path workDir) throws IOException {
    Path log = workDir.resolve(name + ".log");
    List<String> command = new java.util.ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    Process p = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new ServerProcess(name, p, log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String name() {
    return name;
  }

  /** The last {@code lines} lines of the process's output, for failure messages. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, then SIGKILL if it has not gone within ten seconds; waits for the exit. */
  synchronized void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

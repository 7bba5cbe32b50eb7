package dev.kubeguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes the temporary audit directories benchmarks write, so disk use stays bounded. */
final class TempDirs {

  private TempDirs() {}

  /** Deletes {@code dir} and everything under it, deepest first; throws on the first failure. */
  static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

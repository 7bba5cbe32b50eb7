package dev.kubeguard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The responses captured from a real kube-apiserver v1.28.7 (see {@code apiserver-v1.28/README.md}
 * beside this class), read from the classpath so a fresh clone needs nothing beside it.
 *
 * <p>Stateless and thread-safe. A missing fixture is a broken build, so it throws
 * {@link IllegalArgumentException} naming the file.
 */
public final class Fixtures {

  private static final String DIR = "apiserver-v1.28/";

  private Fixtures() {}

  /** The bytes of one captured file, e.g. {@code secret-get.json}. */
  public static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture named " + name + " in dev/kubeguard/testkit/" + DIR);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of one captured file (UTF-8). */
  public static String string(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  /** Every captured file's name, in the order of the {@code INDEX} file. */
  public static List<String> names() {
    return string("INDEX").lines().filter(n -> !n.isBlank() && !n.equals("INDEX")).toList();
  }

  /** Copies every captured file into {@code dir} (for tools that read files) and returns it. */
  public static Path copyTo(Path dir) {
    try {
      Files.createDirectories(dir);
      for (String n : names()) {
        Files.write(dir.resolve(n), bytes(n));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

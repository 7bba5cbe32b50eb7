package dev.kubeguard.okhttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockResponse;

/** The real kube-apiserver captures, as mockwebserver3 answers. */
final class Fixtures {

  static String text(String name) {
    try {
      return Files.readString(Path.of(System.getProperty("kubeguard.fixtures"), name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MockResponse json(String name) {
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(text(name)).build();
  }

  private Fixtures() {}
}

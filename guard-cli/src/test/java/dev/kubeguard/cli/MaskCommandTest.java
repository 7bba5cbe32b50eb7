package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.testkit.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskCommandTest {

  static final Path DIR = Fixtures.copyTo(createTempDir());

  private static Path createTempDir() {
    try {
      Path d = Files.createTempDirectory("kubeguard-fixtures");
      d.toFile().deleteOnExit();
      return d;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  record Run(int status, String out, String err) {}

  static Run run(InputStream in, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new MaskCommand().run(List.of(args), in, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run runFile(String file, String... args) throws Exception {
    try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
      return run(in, args);
    }
  }

  @Test
  void masksASecretFromStdinToStdout() throws Exception {
    Run r = runFile("secret-get.json");
    assertThat(r.status()).isZero();
    assertThat(r.out()).doesNotContain("S3cr3t-Pa55w0rd!", "UzNjcjN0LVBhNTV3MHJkIQ==", "shop_app");
    JsonNode secret = new ObjectMapper().readTree(r.out());
    assertThat(secret.at("/metadata/name").asText()).isEqualTo("db-creds");
    assertThat(r.err()).contains("4 value(s) masked");
  }

  @Test
  void masksAWatchStreamKeepingOneEventPerLine() throws Exception {
    Run r = runFile("secret-watch.jsonstream", "--watch");
    assertThat(r.status()).isZero();
    long events = Files.readAllLines(DIR.resolve("secret-watch.jsonstream")).stream().filter(l -> !l.isBlank()).count();
    assertThat(r.out().split("\n")).hasSize((int) events);
    assertThat(r.out()).doesNotContain("UzNjcjN0LVBhNTV3MHJkIQ==", "c2tfbGl2ZV81MUhjRmFrZUV4YW1wbGVLZXkwMDAw");
  }

  @Test
  void masksLogTextWithContentTypeTextPlain() throws Exception {
    Run r = run(new ByteArrayInputStream("connecting with password=hunter2 ok\n".getBytes()), "--content-type", "text/plain");
    assertThat(r.status()).isZero();
    assertThat(r.out()).startsWith("connecting with password=kubeguard-masked:").endsWith(" ok\n");
  }

  @Test
  void refusesProtobufWithAClearMessageAndNoOutput() throws Exception {
    Run r = runFile("secret-list.protobuf.bin", "--content-type", "application/vnd.kubernetes.protobuf");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("cannot mask this input").contains("withheld");
  }

  @Test
  void stopsAtBrokenJsonWithStatusTwo() throws Exception {
    Run r = run(new ByteArrayInputStream("{\"kind\":\"Secret\",\"data\":{\"a\":".getBytes()));
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("cannot mask this input");
  }

  @Test
  void passesThroughUnderProfileNone() throws Exception {
    Run r = runFile("configmap-get.json", "--profile", "none");
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(Files.readString(DIR.resolve("configmap-get.json")));
  }

  @Test
  void rejectsUnknownProfilesAndOptions() throws Exception {
    assertThat(runFile("configmap-get.json", "--profile", "strict").status()).isEqualTo(2);
    Run bad = run(new ByteArrayInputStream(new byte[0]), "--frobnicate");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown option '--frobnicate'");
    assertThat(run(new ByteArrayInputStream(new byte[0]), "--profile").status()).isEqualTo(2);
  }

  @Test
  void helpSaysTheKeyIsRandomPerRun() throws Exception {
    Run r = run(new ByteArrayInputStream(new byte[0]), "--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("random key made for", "this run");
    assertThat(Main.commands()).anyMatch(c -> c.name().equals("mask"));
  }
}

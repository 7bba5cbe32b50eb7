package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubeguard mask} on files and YAML, as well as JSON on stdin. */
class MaskFilesAndYamlTest {

  private static final String PASSWORD = "S3cr3t-Pa55w0rd!";
  private static final String PASSWORD_B64 = Base64.getEncoder().encodeToString(PASSWORD.getBytes());
  private static final String SECRET_YAML = """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db-creds
        namespace: shop
      type: Opaque
      data:
        password: %s
      """.formatted(PASSWORD_B64);
  private static final String SECRET_JSON =
      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db-creds\"},\"data\":{\"password\":\"" + PASSWORD_B64 + "\"}}\n";

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private static List<JsonNode> yamlDocs(String text) throws Exception {
    return new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(text).readAll();
  }

  @Test
  void masksAYamlFileAndWritesYamlBack() throws Exception {
    CliRun run = CliRun.of(new MaskCommand(), "", write("secret.yaml", SECRET_YAML).toString());

    assertThat(run.exit()).isZero();
    assertThat(run.out()).doesNotContain(PASSWORD_B64, PASSWORD);
    JsonNode secret = yamlDocs(run.out()).get(0);
    assertThat(secret.at("/metadata/name").asText()).isEqualTo("db-creds");
    String masked = new String(Base64.getDecoder().decode(secret.at("/data/password").asText()));
    assertThat(masked).startsWith("kubeguard-masked:");
    assertThat(run.err()).contains("1 value(s) masked");
  }

  @Test
  void tellsYamlOnStdinFromItsFirstLineAndMasksEveryDocument() throws Exception {
    String stream = "# kubectl get secrets -o yaml, twice\n---\n" + SECRET_YAML + "---\n" + SECRET_YAML.replace("db-creds", "other");

    CliRun run = CliRun.of(new MaskCommand(), stream);

    assertThat(run.exit()).isZero();
    List<JsonNode> docs = yamlDocs(run.out());
    assertThat(docs).extracting(d -> d.at("/metadata/name").asText()).containsExactly("db-creds", "other");
    // One key per run: the same secret masks to the same token in both documents.
    assertThat(docs.get(0).at("/data/password")).isEqualTo(docs.get(1).at("/data/password"));
    assertThat(run.out()).doesNotContain(PASSWORD_B64);
  }

  @Test
  void writesYamlAsJsonLinesOrJsonAsYamlWhenAsked() throws Exception {
    CliRun toJson = CliRun.of(new MaskCommand(), SECRET_YAML, "--content-type", "application/yaml", "-o", "json");
    assertThat(toJson.exit()).isZero();
    JsonNode json = new ObjectMapper().readTree(toJson.lines().get(0));
    assertThat(json.get("kind").asText()).isEqualTo("Secret");
    assertThat(toJson.out()).doesNotContain(PASSWORD_B64);

    CliRun toYaml = CliRun.of(new MaskCommand(), SECRET_JSON, "--output=yaml");
    assertThat(toYaml.exit()).isZero();
    assertThat(toYaml.out()).contains("kind: \"Secret\"").doesNotContain(PASSWORD_B64);
  }

  @Test
  void masksSeveralFilesInTheirOrderWithOneKey() throws Exception {
    Path a = write("a.json", SECRET_JSON);
    Path b = write("b.yaml", SECRET_YAML);

    CliRun run = CliRun.of(new MaskCommand(), "", a.toString(), b.toString());

    assertThat(run.exit()).isZero();
    JsonNode first = new ObjectMapper().readTree(run.lines().get(0));
    JsonNode second = yamlDocs(run.out().substring(run.out().indexOf('\n') + 1)).get(0);
    assertThat(second.at("/data/password")).isEqualTo(first.at("/data/password"));
    assertThat(run.err()).contains("2 value(s) masked");
  }

  @Test
  void masksALogFileAsText() throws Exception {
    CliRun run = CliRun.of(new MaskCommand(), "", write("app.log", "login with password=hunter2 ok\n").toString());

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("login with password=kubeguard-masked:").doesNotContain("hunter2");
  }

  @Test
  void refusesAMissingFileBeforePrintingAnything() throws Exception {
    Path ok = write("ok.json", SECRET_JSON);

    CliRun run = CliRun.of(new MaskCommand(), "", ok.toString(), dir.resolve("missing.json").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("missing.json", "no such file");
  }

  @Test
  void brokenYamlSaysWhereButNeverQuotesTheInput() throws Exception {
    String broken = "apiVersion: v1\nkind: Secret\ndata:\n  password: [" + PASSWORD + "\n  other: {\n";

    CliRun run = CliRun.of(new MaskCommand(), broken);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("not valid YAML or JSON at line").doesNotContain(PASSWORD);
    assertThat(run.out()).doesNotContain(PASSWORD);
  }

  @Test
  void inputItCannotRecognizeAsksForAContentType() throws Exception {
    CliRun run = CliRun.of(new MaskCommand(), "just some words, maybe a log\n");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("cannot tell what stdin is", "--content-type");
  }

  @Test
  void helpNamesFilesYamlAndTheExitCodes() throws Exception {
    CliRun run = CliRun.of(new MaskCommand(), "", "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("[FILE...]", "application/yaml", "Exit status:");
  }
}

package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.audit.AuditCheckpoints;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {

  /** A chain key in its text form (base64 of 32 bytes), as a key file or the environment holds it. */
  static final String KEY_BASE64 = Base64.getEncoder().encodeToString("kubeguard-cli-test-key-32-bytes!".getBytes(StandardCharsets.US_ASCII));
  private static final ChainKey KEY = ChainKey.fromEnv("K", Map.of("K", KEY_BASE64));

  @TempDir Path dir;
  private Map<String, String> env = Map.of(ChainKey.ENV, KEY_BASE64);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private int run(String... args) throws Exception {
    return new AuditCommand(env)
        .run(List.of(args), new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static AuditEvent event(int i, String resource, String decision) {
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    return new AuditEvent(
        AuditLevel.METADATA, "id-" + i, AuditEvent.Stage.ResponseComplete,
        "/api/v1/namespaces/a/" + resource + "/x" + i, "get", Identity.of("alice", "dev"), null, null, null,
        new AuditEvent.ObjectReference(resource, "a", "x" + i, "", "", "v1", "", ""), null, null, null, t, t,
        Map.of("kubeguard.dev/decision", decision));
  }

  private Path record(JsonlAuditRecorder.Builder builder) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (JsonlAuditRecorder r = builder.path(file).build()) {
      r.record(event(1, "secrets", "allow"));
      r.record(event(2, "pods", "allow"));
      r.record(event(3, "pods", "deny"));
    }
    return file;
  }

  @Test
  void verifyPrintsTheEventCountForAnIntactTrail() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY));

    assertThat(run("verify", file.toString())).isZero();
    assertThat(stdout()).isEqualTo("OK 3 events\n");
  }

  @Test
  void verifyNamesTheFirstBrokenLineAndFails() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY));
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(1, lines.get(1).replace("\"pods\"", "\"podz\""));
    Files.write(file, lines);

    assertThat(run("verify", file.toString())).isEqualTo(1);
    assertThat(stdout()).isEqualTo("BROKEN " + file + ":2: line edited (hash mismatch)\n");
  }

  @Test
  void verifyChecksASignedCheckpointWithThePublicKey() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY)
        .checkpoints(AuditCheckpoints.every(new ECDSASigner(key), JWSAlgorithm.ES256, "k1", 0)));
    Path jwk = dir.resolve("audit-key.json");
    Files.writeString(jwk, key.toPublicJWK().toJSONString());
    String checkpoint = dir.resolve("audit.jsonl.checkpoint").toString();

    assertThat(run("verify", "--checkpoint", checkpoint, "--checkpoint-key", jwk.toString(), "--closed", file.toString())).isZero();
    assertThat(stdout()).startsWith("OK 3 events (checkpoint at seq 3");

    List<String> lines = Files.readAllLines(file);
    Files.write(file, lines.subList(0, 2));
    out.reset();
    assertThat(run("verify", "--checkpoint", checkpoint, "--checkpoint-key", jwk.toString(), file.toString())).isEqualTo(1);
    assertThat(stdout()).contains("BROKEN").contains("tail was cut off");
  }

  @Test
  void replaySaysWhatTheNewPolicyDecidesAndSummarizesTheChanges() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY));
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        apiVersion: kubeguard.dev/v1
        kind: GuardPolicy
        metadata: {name: replay}
        spec:
          rules:
          - name: no-secrets
            subjects: {users: ["*"]}
            effect: deny
            match: {verbs: ["*"], apiGroups: ["*"], resources: [secrets]}
          - name: pods
            subjects: {users: ["*"]}
            effect: allow
            match: {verbs: ["*"], apiGroups: ["*"], resources: ["*"]}
        """);

    assertThat(run("replay", "--policy", policy.toString(), file.toString())).isZero();

    String[] lines = stdout().split("\n");
    assertThat(lines).hasSize(4);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines[0]);
    assertThat(first.get("auditID").asText()).isEqualTo("id-1");
    assertThat(first.get("recorded").asText()).isEqualTo("allow");
    assertThat(first.get("replayed").asText()).isEqualTo("deny");
    assertThat(first.get("rule").asText()).isEqualTo("no-secrets");
    assertThat(first.get("changed").asBoolean()).isTrue();
    assertThat(json.readTree(lines[3]).get("summary").toString())
        .isEqualTo("{\"replayed\":3,\"unchanged\":1,\"allowedToDenied\":1,\"deniedToAllowed\":1,\"otherChanges\":0,\"skipped\":0}");
  }

  @Test
  void replayWithABrokenPolicySaysWhereItIsBroken() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY));
    Path policy = dir.resolve("p.yaml");
    Files.writeString(policy, "apiVersion: kubeguard.dev/v1\nkind: GuardPolicy\nmetadata: {name: p}\nspec: {rules: [{name: r}]}\n");

    assertThat(run("replay", "--policy", policy.toString(), file.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot load policy").contains("p.yaml");
  }

  @Test
  void usageErrorsExitWithTwo() throws Exception {
    assertThat(run()).isEqualTo(2);
    assertThat(run("verify")).isEqualTo(2);
    assertThat(run("replay", "audit.jsonl")).isEqualTo(2);
    assertThat(run("verify", "--key", "k.json", "audit.jsonl")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--key is now --checkpoint-key");
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown subcommand 'frobnicate'");
  }

  @Test
  void verifyReadsTheChainKeyFromAKeyFile() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY));
    Path keyFile = dir.resolve("audit.key");
    Files.writeString(keyFile, KEY_BASE64 + "\n");
    env = Map.of();

    assertThat(run("verify", "--key-file", keyFile.toString(), file.toString())).isZero();
    assertThat(stdout()).isEqualTo("OK 3 events\n");
  }

  @Test
  void verifyWithoutAChainKeyIsAUsageErrorSayingWhereToPutIt() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY));
    env = Map.of();

    assertThat(run("verify", file.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--key-file FILE").contains("KUBEGUARD_AUDIT_KEY").contains("--no-key");
  }

  @Test
  void verifyDetectsACutTailWithTheChainKeyAlone() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY));
    Files.write(file, Files.readAllLines(file).subList(0, 2));

    assertThat(run("verify", file.toString())).isEqualTo(1);
    assertThat(stdout()).startsWith("BROKEN").contains("vouches for seq 3");
  }

  @Test
  void verifyRefusesAnEmptyTrail() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().chainKey(KEY));
    Files.write(file, new byte[0]);

    assertThat(run("verify", file.toString())).isEqualTo(1);
    assertThat(stdout()).startsWith("BROKEN");

    out.reset();
    assertThat(run("verify", "--no-key", file.toString())).isEqualTo(1);
    assertThat(stdout()).startsWith("BROKEN").contains("no events");
  }

  @Test
  void verifyRefusesAMissingTrail() throws Exception {
    Path missing = dir.resolve("nowhere.jsonl");

    assertThat(run("verify", "--no-key", missing.toString())).isEqualTo(1);
    assertThat(stdout()).startsWith("BROKEN").contains("does not exist");
  }

  @Test
  void verifyWithNoKeyChecksAnUnkeyedDevelopmentTrail() throws Exception {
    Path file = record(JsonlAuditRecorder.builder().unkeyedForDevelopment());

    assertThat(run("verify", "--no-key", file.toString())).isZero();
    assertThat(stdout()).isEqualTo("OK 3 events\n");
    out.reset();
    assertThat(run("verify", file.toString())).as("a keyed check of an unkeyed trail").isEqualTo(1);
  }

  @Test
  void isRegisteredAsTheAuditCommand() {
    assertThat(Main.commands()).anyMatch(c -> c.name().equals("audit"));
  }
}

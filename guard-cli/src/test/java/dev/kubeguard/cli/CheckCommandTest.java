package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kubeguard.core.audit.ChainKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void decidesRequestsAndAttributesFromMixedGuardPolicyAndRbacFiles() throws Exception {
    Path guard = write("guard.yaml", """
        apiVersion: kubeguard.dev/v1
        kind: GuardPolicy
        metadata: {name: shop}
        spec:
          rules:
          - name: no-secrets-for-devs
            subjects: {groups: [developers]}
            effect: deny
            match: {verbs: ["*"], apiGroups: [""], resources: [secrets]}
          - name: approve-prod-deletes
            subjects: {groups: ["*"]}
            effect: approve
            approval: {approverGroups: [sre-leads]}
            match: {verbs: [delete], apiGroups: ["*"], resources: ["*"], namespaces: ["prod-*"]}
        """);
    Path rbac = write("rbac.yaml", """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: view}
        rules:
        - {apiGroups: [""], resources: [pods, secrets], verbs: [get, list, delete]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: devs-view}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: Group, name: developers, apiGroup: rbac.authorization.k8s.io}]
        """);
    CliRun run = CliRun.of(new CheckCommand(), """
        {"user":"bob","groups":["developers"],"method":"GET","url":"/api/v1/namespaces/shop/pods/web"}
        {"user":"bob","groups":["developers"],"method":"GET","url":"/api/v1/namespaces/shop/secrets/db"}
        {"user":"bob","groups":["developers"],"method":"DELETE","url":"/api/v1/namespaces/prod-eu/pods/web"}
        {"user":"eve","groups":[],"attributes":{"verb":"get","resource":"pods","namespace":"shop","apiVersion":"v1"}}
        {"user":"bob","groups":["developers"],"attributes":{"verb":"get","path":"/healthz"}}
        """, "--policy", guard.toString(), "--policy", rbac.toString());
    assertThat(run.err()).doesNotContain("WARN");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.lines()).hasSize(5);
    assertThat(effect(run, 0)).isEqualTo("ALLOW");
    assertThat(JSON.readTree(run.lines().get(0)).get("rule").asText()).contains("devs-view");
    assertThat(effect(run, 1)).isEqualTo("DENY");
    assertThat(JSON.readTree(run.lines().get(1)).get("rule").asText()).isEqualTo("no-secrets-for-devs");
    assertThat(effect(run, 2)).isEqualTo("REQUIRE_APPROVAL");
    assertThat(effect(run, 3)).isEqualTo("DENY");
    assertThat(effect(run, 4)).isEqualTo("DENY");
  }

  @Test
  void reportsBadPolicyFilesWithFileAndPlaceAndBadLinesWithTheirNumber() throws Exception {
    Path bad = write("bad.yaml", """
        apiVersion: kubeguard.dev/v1
        kind: GuardPolicy
        metadata: {name: x}
        spec:
          rules:
          - name: r
            subjects: {users: [bob]}
            effect: maybe
            match: {verbs: [get], apiGroups: [""], resources: [pods]}
        """);
    CliRun broken = CliRun.of(new CheckCommand(), "", "--policy", bad.toString());
    assertThat(broken.exit()).isEqualTo(2);
    assertThat(broken.err()).contains("bad.yaml").contains("effect");

    Path ok = write("ok.yaml", """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: b}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
        subjects: [{kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: r}
        rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
        """);
    CliRun run = CliRun.of(new CheckCommand(), """
        {"user":"bob","method":"GET","url":"/api/v1/namespaces/a/pods/p"}
        {"groups":["x"],"method":"GET","url":"/api"}
        [1,2]
        {"user":"bob","method":"GET","url":"/api/v1/namespaces/a/pods/p%zz"}
        """, "--policy", ok.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(effect(run, 0)).isEqualTo("ALLOW");
    assertThat(JSON.readTree(run.lines().get(1)).get("line").asInt()).isEqualTo(2);
    assertThat(JSON.readTree(run.lines().get(2)).get("line").asInt()).isEqualTo(3);
    assertThat(JSON.readTree(run.lines().get(3)).get("reason").asText()).contains("request rejected");
  }

  @Test
  void asksAnOpaDataApiInsteadOfPolicyFiles() throws Exception {
    AtomicReference<String> input = new AtomicReference<>();
    HttpServer opa = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    opa.createContext("/v1/data/kubeguard/decision", ex -> {
      input.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = "{\"result\":{\"allow\":true,\"reasons\":[\"reads are fine\"]},\"decision_id\":\"d-1\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    opa.start();
    try {
      String url = "http://127.0.0.1:" + opa.getAddress().getPort() + "/v1/data/kubeguard/decision";
      CliRun run = CliRun.of(new CheckCommand(),
          "{\"user\":\"bob\",\"groups\":[\"dev\"],\"method\":\"GET\",\"url\":\"/api/v1/namespaces/shop/pods\"}\n", "--opa", url);
      assertThat(run.exit()).isZero();
      assertThat(effect(run, 0)).isEqualTo("ALLOW");
      assertThat(JSON.readTree(input.get()).at("/input/spec/resourceAttributes/verb").asText()).isEqualTo("list");
    } finally {
      opa.stop(0);
    }
  }

  @Test
  void recordsEachDecisionIntoAVerifiableAuditTrailThatReplaysAgainstANewPolicy() throws Exception {
    Path readOnly = write("read.yaml", """
        apiVersion: kubeguard.dev/v1
        kind: GuardPolicy
        metadata: {name: p}
        spec:
          rules:
          - name: reads
            subjects: {users: ["*"]}
            effect: allow
            match: {verbs: [get, list, delete], apiGroups: [""], resources: [pods]}
        """);
    Path audit = dir.resolve("audit.jsonl");
    Map<String, String> env = Map.of(ChainKey.ENV, AuditCommandTest.KEY_BASE64);
    CliRun run = CliRun.of(new CheckCommand(env), """
        {"user":"bob","method":"GET","url":"/api/v1/namespaces/a/pods/p"}
        {"user":"bob","method":"DELETE","url":"/api/v1/namespaces/a/pods/p"}
        {"user":"bob","method":"GET","url":"/api/v1/namespaces/a/secrets/s"}
        """, "--policy", readOnly.toString(), "--audit", audit.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(Files.readAllLines(audit)).hasSize(3);

    CliRun verify = CliRun.of(new AuditCommand(env), "", "verify", audit.toString());
    assertThat(verify.exit()).isZero();
    assertThat(verify.out()).contains("OK 3 events");

    Path stricter = write("stricter.yaml", Files.readString(readOnly).replace("get, list, delete", "get, list"));
    CliRun replay = CliRun.of(new AuditCommand(), "", "replay", "--policy", stricter.toString(), audit.toString());
    assertThat(replay.exit()).isZero();
    assertThat(replay.out()).contains("summary");
    JsonNode summary = JSON.readTree(replay.lines().get(replay.lines().size() - 1)).get("summary");
    assertThat(summary.toString()).contains("1");
  }

  @Test
  void refusesAmbiguousOrMissingPolicySources() throws Exception {
    assertThat(CliRun.of(new CheckCommand(), "").exit()).isEqualTo(2);
    assertThat(CliRun.of(new CheckCommand(), "", "--policy", "a", "--opa", "http://x/v1/data/y").err()).contains("either --policy");
    assertThat(CliRun.of(new CheckCommand(), "", "--opa", "ftp://x/y").err()).contains("kubeguard check:");
  }

  private static String effect(CliRun run, int line) throws Exception {
    return JSON.readTree(run.lines().get(line)).get("effect").asText();
  }
}

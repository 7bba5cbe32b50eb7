package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.core.audit.ChainKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubeguard check} asked the way {@code kubectl auth can-i} is, and gating a pipeline by its exit status. */
class CheckKubectlStyleTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private String policy;

  @BeforeEach
  void writePolicy() throws Exception {
    policy = Files.writeString(dir.resolve("p.yaml"), """
        apiVersion: kubeguard.dev/v1
        kind: GuardPolicy
        metadata: {name: shop}
        spec:
          rules:
          - name: no-deletes-in-shop
            description: nobody deletes in shop
            subjects: {groups: ["*"]}
            effect: deny
            match: {verbs: [delete], apiGroups: ["*"], resources: ["*"], namespaces: [shop]}
          - name: approve-prod-deletes
            subjects: {groups: [dev]}
            effect: approve
            approval: {approverGroups: [sre-leads], count: 2, ttl: 10m}
            match: {verbs: [delete], apiGroups: ["*"], resources: ["*"], namespaces: ["prod-*"]}
          - name: dev-reads
            subjects: {groups: [dev]}
            effect: allow
            match: {verbs: [get, list, watch], apiGroups: ["", apps], resources: [pods, pods/log, deployments, nodes]}
          - name: authenticated-health
            subjects: {groups: [system:authenticated]}
            effect: allow
            match: {verbs: [get], nonResourceURLs: [/healthz]}
        """).toString();
  }

  private CliRun check(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--policy";
    all[1] = policy;
    System.arraycopy(args, 0, all, 2, args.length);
    return CliRun.of(new CheckCommand(Map.of(ChainKey.ENV, AuditCommandTest.KEY_BASE64)), "", all);
  }

  @Test
  void exitsOneOnADenialAndZeroOnAnAllowSoAPipelineCanGateOnIt() throws Exception {
    assertThat(check("--as", "bob", "--as-group", "dev", "-n", "shop", "get", "pods", "web").exit()).isZero();
    assertThat(check("--as", "bob", "--as-group", "dev", "-n", "shop", "delete", "pods", "web").exit()).isEqualTo(1);
    assertThat(check("--as", "eve", "-n", "shop", "get", "pods").exit()).isEqualTo(1);
  }

  @Test
  void printsWhatWasCheckedAndOnADenialTheRuleAndReason() throws Exception {
    CliRun run = check("--as", "bob", "--as-group", "dev", "-n", "shop", "delete", "pods", "web");

    assertThat(run.lines()).containsExactly(
        "user:     bob",
        "groups:   dev, system:authenticated",
        "checked:  delete pods \"web\" in namespace \"shop\"",
        "decision: DENY",
        "rule:     no-deletes-in-shop",
        "reason:   denied by rule \"no-deletes-in-shop\" of GuardPolicy \"shop\"",
        "message:  User \"bob\" cannot delete resource \"pods\" in API group \"\" in the namespace \"shop\": "
            + "denied by rule \"no-deletes-in-shop\" of GuardPolicy \"shop\"");
  }

  @Test
  void aDenialNoRuleCoversStillSaysWhoCannotDoWhat() throws Exception {
    CliRun run = check("--as", "eve", "-n", "shop", "get", "secrets", "db");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("decision: DENY", "reason:   no rule allows it",
        "message:  User \"eve\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\": no rule allows it");
  }

  @Test
  void takesFlagEqualsValueAndRepeatedGroupsAndTypeSlashName() throws Exception {
    CliRun run = check("--as=bob", "--as-group=qa", "--as-group=dev", "--namespace=shop", "get", "pods/web");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("groups:   qa, dev, system:authenticated", "checked:  get pods \"web\" in namespace \"shop\"",
        "decision: ALLOW", "rule:     dev-reads");
  }

  @Test
  void asksForASubresource() throws Exception {
    CliRun logs = check("--as", "bob", "--as-group", "dev", "-n", "shop", "--subresource", "log", "get", "pods", "web");
    assertThat(logs.exit()).isZero();
    assertThat(logs.out()).contains("checked:  get pods/log \"web\" in namespace \"shop\"");

    CliRun exec = check("--as", "bob", "--as-group", "dev", "-n", "shop", "--subresource", "exec", "create", "pods", "web");
    assertThat(exec.exit()).isEqualTo(1);
    assertThat(exec.out()).contains("resource \"pods/exec\"");
  }

  @Test
  void findsTheGroupOfBuiltInResourcesAndTheirShortNamesAndRefusesToGuessOthers() throws Exception {
    CliRun deploy = check("--as", "bob", "--as-group", "dev", "-n", "web", "get", "deploy", "front");
    assertThat(deploy.exit()).isZero();
    assertThat(deploy.out()).contains("checked:  get deployments.apps \"front\" in namespace \"web\"");

    CliRun nodes = check("--as", "bob", "--as-group", "dev", "-n", "web", "list", "nodes");
    assertThat(nodes.out()).contains("checked:  list nodes (cluster scope, or all namespaces)");

    CliRun explicit = check("--as", "bob", "--as-group", "dev", "get", "widgets.example.com", "w");
    assertThat(explicit.out()).contains("checked:  get widgets.example.com \"w\" in namespace \"default\"");
    assertThat(explicit.exit()).isEqualTo(1);

    CliRun unknown = check("--as", "bob", "get", "widgets");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown resource \"widgets\"", "RESOURCE.GROUP");
  }

  @Test
  void anApproveRuleAnswersApprovalRequiredWithExitOneAndSaysWhoMayApprove() throws Exception {
    CliRun run = check("--as", "bob", "--as-group", "dev", "-n", "prod-eu", "delete", "deployments.apps", "web");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("decision: REQUIRE_APPROVAL", "rule:     approve-prod-deletes",
        "approval: 2 approver(s) from sre-leads, within 10m, REQUEST_THEN_RETRY");
  }

  @Test
  void asksANonResourceUrlWithALowerCaseVerb() throws Exception {
    CliRun run = check("--as", "eve", "get", "/healthz");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("checked:  get path \"/healthz\"", "rule:     authenticated-health");
  }

  @Test
  void classifiesAnHttpMethodAndPathAsKubeApiserverDoes() throws Exception {
    CliRun list = check("--as", "bob", "--as-group", "dev", "GET", "/api/v1/namespaces/shop/pods");
    assertThat(list.exit()).isZero();
    assertThat(list.out()).contains("request:  GET /api/v1/namespaces/shop/pods", "checked:  list pods in namespace \"shop\"");

    // %2F is a separator to the server: this is exec on pod x, which no rule allows.
    CliRun exec = check("--as", "bob", "--as-group", "dev", "POST", "/api/v1/namespaces/dev/pods/x%2Fexec");
    assertThat(exec.exit()).isEqualTo(1);
    assertThat(exec.out()).contains("checked:  create pods/exec \"x\" in namespace \"dev\"");
  }

  @Test
  void aDeniedImpersonationNamesTheImpersonationItDidNotAllow() throws Exception {
    CliRun run = check("--as", "bob", "--as-group", "dev", "-H", "Impersonate-User: alice",
        "GET", "/api/v1/namespaces/shop/pods");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains(
        "checked:  impersonate users \"alice\" (cluster scope, or all namespaces)",
        "decided:  impersonate users \"alice\"",
        "message:  User \"bob\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope: no rule allows it");

    CliRun lines = CliRun.of(new CheckCommand(),
        "{\"user\":\"bob\",\"groups\":[\"dev\"],\"method\":\"GET\",\"url\":\"/api/v1/namespaces/shop/pods\","
            + "\"headers\":{\"Impersonate-User\":\"alice\"}}\n", "--policy", policy);
    JsonNode answer = JSON.readTree(lines.lines().get(0));
    assertThat(lines.exit()).isEqualTo(1);
    assertThat(answer.at("/checked/verb").asText()).isEqualTo("impersonate");
    assertThat(answer.at("/checked/resource").asText()).isEqualTo("users");
    assertThat(answer.at("/checked/name").asText()).isEqualTo("alice");
    assertThat(answer.get("message").asText()).startsWith("User \"bob\" cannot impersonate resource \"users\"");
  }

  @Test
  void printsOneJsonAnswerWithOutputJsonAndNothingWithQuiet() throws Exception {
    CliRun json = check("--as", "bob", "--as-group", "dev", "-n", "shop", "-o", "json", "delete", "pods", "web");
    JsonNode answer = JSON.readTree(json.out());
    assertThat(answer.get("effect").asText()).isEqualTo("DENY");
    assertThat(answer.get("rule").asText()).isEqualTo("no-deletes-in-shop");
    assertThat(answer.at("/checked/namespace").asText()).isEqualTo("shop");
    assertThat(answer.at("/checked/groups/1").asText()).isEqualTo("system:authenticated");

    CliRun quiet = check("--as", "bob", "-q", "-n", "shop", "delete", "pods", "web");
    assertThat(quiet.exit()).isEqualTo(1);
    assertThat(quiet.out()).isEmpty();
    assertThat(quiet.err()).isEmpty();
  }

  @Test
  void givesAServiceAccountItsGroupsAsTheApiServerDoes() throws Exception {
    CliRun run = check("--as", "system:serviceaccount:ci:deployer", "-n", "ci", "get", "pods");

    assertThat(run.out()).contains("groups:   system:serviceaccounts, system:serviceaccounts:ci, system:authenticated");
  }

  @Test
  void notesThatNothingIsRecordedOnlyWhenThereIsNoAuditTrail() throws Exception {
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    CliRun without;
    CliRun with;
    Path audit = dir.resolve("audit.jsonl");
    System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
    try {
      without = check("--as", "bob", "-n", "shop", "get", "pods");
      with = check("--as", "bob", "-n", "shop", "--audit", audit.toString(), "get", "pods");
    } finally {
      System.setErr(stderr);
    }

    assertThat(without.err()).contains("decisions are not recorded (give --audit FILE to record them)");
    assertThat(with.err()).isEmpty();
    // Nor does the Guard's own logger warn about a missing recorder, in either case.
    assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain("no audit recorder");
    assertThat(Files.readAllLines(audit)).hasSize(1);
  }

  @Test
  void usageMistakesExitTwoAndSaySo() throws Exception {
    CliRun noUser = check("-n", "shop", "get", "pods");
    assertThat(noUser.exit()).isEqualTo(2);
    assertThat(noUser.err()).contains("--as USER");

    assertThat(check("--as", "bob", "--frobnicate", "get", "pods").err()).contains("unknown option '--frobnicate'");
    assertThat(check("--as", "bob", "-o", "yaml", "get", "pods").exit()).isEqualTo(2);
    assertThat(check("--as", "bob", "-n", "shop", "GET", "/api/v1/pods").err()).contains("does not go with METHOD PATH");
    assertThat(check("--as", "bob", "Get", "pods").err()).contains("lower-case");
    assertThat(check("--as", "bob", "get").exit()).isEqualTo(2);
    assertThat(check("--as", "bob").exit()).isEqualTo(2);
    assertThat(check("--as").err()).contains("--as needs a value");
    CliRun badTimeout = CliRun.of(new CheckCommand(), "", "--opa", "http://127.0.0.1:1/v1/data/k/d", "--opa-timeout", "soon");
    assertThat(badTimeout.exit()).isEqualTo(2);
    assertThat(badTimeout.err()).contains("--opa-timeout must be a positive duration");
    CliRun linesWithFlags = CliRun.of(new CheckCommand(), "", "--policy", policy, "--as", "bob");
    assertThat(linesWithFlags.exit()).isEqualTo(2);
    assertThat(linesWithFlags.err()).contains("--as is for a question given on the command line");
    assertThat(CliRun.of(new CheckCommand(), "", "--policy", dir.resolve("missing.yaml").toString(),
        "--as", "bob", "get", "pods").exit()).isEqualTo(2);
  }
}

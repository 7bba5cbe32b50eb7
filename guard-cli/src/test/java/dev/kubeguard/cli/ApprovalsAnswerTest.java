package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubeguard approvals approve|deny}: the exact request sent to the approval server's JSON
 * API (served here by MockWebServer), where its URL and the token come from, and what a refusal prints.
 */
class ApprovalsAnswerTest {

  private static final String ID = "apr-0123456789abcdef-1";

  @TempDir Path dir;
  private final ApprovalCluster cluster = new ApprovalCluster();
  private final MockWebServer approvals = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    approvals.start();
  }

  @AfterEach
  void stop() {
    approvals.close();
    cluster.close();
  }

  private CliRun run(String... args) throws Exception {
    return CliRun.of(new ApprovalsCommand(Clock.fixed(ApprovalsListTest.NOW, ZoneOffset.UTC)), "", args);
  }

  private String kubeconfig() throws Exception {
    return cluster.tokenKubeconfig(dir, "ops", "alice-token").toString();
  }

  private void reply(int code, String json) {
    approvals.enqueue(new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(json).build());
  }

  private String base() {
    return approvals.url("/kubeguard/approvals").toString();
  }

  private RecordedRequest sent() throws InterruptedException {
    return approvals.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void approvePostsTheCommentWithTheKubeconfigUsersTokenToTheServerTheApprovalNames() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl(base() + "/approvals/" + ID).build());
    reply(200, "{\"id\":\"" + ID + "\",\"state\":\"APPROVED\",\"answeredBy\":\"alice\"}");

    CliRun r = run("approve", ID, "--comment", "looks fine", "--kubeconfig", kubeconfig());

    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(ID + " approved by alice: APPROVED\n");
    RecordedRequest q = sent();
    assertThat(q.getMethod()).isEqualTo("POST");
    assertThat(q.getTarget()).isEqualTo("/kubeguard/approvals/api/approvals/" + ID + "/approve");
    assertThat(q.getHeaders().get("Authorization")).isEqualTo("Bearer alice-token");
    assertThat(q.getHeaders().get("Content-Type")).isEqualTo("application/json");
    assertThat(q.getBody().utf8()).isEqualTo("{\"comment\":\"looks fine\"}");
    assertThat(approvals.getRequestCount()).isEqualTo(1);
  }

  @Test
  void approveWithoutACommentSendsAnEmptyOne() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl(base() + "/approvals/" + ID).build());
    reply(200, "{\"id\":\"" + ID + "\",\"state\":\"PENDING\",\"answeredBy\":\"alice\"}");

    CliRun r = run("approve", ID, "--kubeconfig", kubeconfig());

    assertThat(r.out()).isEqualTo(ID + " approved by alice: PENDING\n");
    assertThat(sent().getBody().utf8()).isEqualTo("{\"comment\":\"\"}");
  }

  @Test
  void denyWithTheApprovalsUrlAndATokenNeedsNoKubeconfigAndSendsTheReason() throws Exception {
    reply(200, "{\"id\":\"" + ID + "\",\"state\":\"DENIED\",\"answeredBy\":\"carol\"}");

    CliRun r = run("deny", ID, "--reason", "not during the freeze", "--approvals-url", base() + "/",
        "--token", "carol-token");

    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(ID + " denied by carol: DENIED\n");
    RecordedRequest q = sent();
    assertThat(q.getMethod()).isEqualTo("POST");
    assertThat(q.getTarget()).isEqualTo("/kubeguard/approvals/api/approvals/" + ID + "/deny");
    assertThat(q.getHeaders().get("Authorization")).isEqualTo("Bearer carol-token");
    assertThat(q.getBody().utf8()).isEqualTo("{\"reason\":\"not during the freeze\"}");
    assertThat(cluster.requests()).isEmpty();
  }

  @Test
  void theApprovalsUrlFlagWinsOverTheObjectsAnswerUrlAndTheTokenComesFromTheKubeconfig() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl("https://elsewhere.example/x/" + ID).build());
    reply(200, "{\"id\":\"" + ID + "\",\"state\":\"APPROVED\",\"answeredBy\":\"alice\"}");

    CliRun r = run("approve", ID, "--approvals-url", base() + "/api/approvals", "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isZero();
    RecordedRequest q = sent();
    assertThat(q.getTarget()).isEqualTo("/kubeguard/approvals/api/approvals/" + ID + "/approve");
    assertThat(q.getHeaders().get("Authorization")).isEqualTo("Bearer alice-token");
  }

  @Test
  void anAnswerUrlThatIsTheApiUrlOfTheApprovalWorksToo() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl(base() + "/api/approvals/" + ID).build());
    reply(200, "{\"id\":\"" + ID + "\",\"state\":\"APPROVED\",\"answeredBy\":\"alice\"}");

    assertThat(run("approve", ID, "--kubeconfig", kubeconfig()).exit()).isZero();
    assertThat(sent().getTarget()).isEqualTo("/kubeguard/approvals/api/approvals/" + ID + "/approve");
  }

  @Test
  void aRefusedAnswerPrintsTheServersMessageAndExitsOne() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl(base() + "/approvals/" + ID).build());
    reply(403, "{\"message\":\"eve is not in the approver groups [sre]\"}");

    CliRun r = run("approve", ID, "--kubeconfig", kubeconfig(), "--token", "eve-token");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("kubeguard approvals approve: refused (403): eve is not in the approver groups [sre]\n");
    assertThat(sent().getHeaders().get("Authorization")).isEqualTo("Bearer eve-token");
  }

  @Test
  void everyErrorStatusOfTheContractExitsOneWithItsMeaning() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl(base() + "/approvals/" + ID).build());
    String[][] cases = {
        {"400", "bad input", "rejected as bad input (400): bad input"},
        {"401", "token expired", "your token was not accepted (401): token expired; pass --token with a token the "
            + "approval server can prove"},
        {"404", "no approval " + ID, "not found (404): no approval " + ID},
        {"409", ID + " is DENIED", "no longer pending (409): " + ID + " is DENIED"},
    };
    for (String[] c : cases) {
      reply(Integer.parseInt(c[0]), "{\"message\":\"" + c[1] + "\"}");

      CliRun r = run("deny", ID, "--reason", "no", "--kubeconfig", kubeconfig());

      assertThat(r.exit()).as(c[0]).isEqualTo(1);
      assertThat(r.err()).as(c[0]).isEqualTo("kubeguard approvals deny: " + c[2] + "\n");
    }
    approvals.enqueue(new MockResponse.Builder().code(502).body("<html>bad gateway</html>").build());
    CliRun gateway = run("deny", ID, "--reason", "no", "--kubeconfig", kubeconfig());
    assertThat(gateway.exit()).isEqualTo(1);
    assertThat(gateway.err()).isEqualTo("kubeguard approvals deny: failed: the approval server at " + base()
        + " answered 502\n");
  }

  @Test
  void aSuccessWithoutTheAnswersStateFailsClosed() throws Exception {
    reply(200, "<html>signed out</html>");

    CliRun r = run("approve", ID, "--approvals-url", base(), "--token", "alice-token");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("kubeguard approvals approve: the approval server at " + base()
        + " answered 200 without the answer's state; check with kubeguard approvals show " + ID + "\n");
  }

  @Test
  void aRedirectIsNotFollowedSoTheTokenGoesNowhereElse() throws Exception {
    try (MockWebServer elsewhere = new MockWebServer()) {
      elsewhere.start();
      approvals.enqueue(new MockResponse.Builder().code(307)
          .setHeader("Location", elsewhere.url("/steal").toString()).build());

      CliRun r = run("approve", ID, "--approvals-url", base(), "--token", "alice-token");

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("answered 307");
      assertThat(elsewhere.getRequestCount()).isZero();
    }
  }

  @Test
  void anUnreachableApprovalServerExitsOne() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    CliRun r = run("approve", ID, "--approvals-url", "http://127.0.0.1:" + port + "/kubeguard/approvals",
        "--token", "alice-token");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kubeguard approvals approve: cannot reach the approval server at http://127.0.0.1:"
        + port + "/kubeguard/approvals");
    assertThat(r.err()).doesNotContain("alice-token");
  }

  @Test
  void withoutAnAnswerUrlOrTheFlagItSaysWhichFlagToPass() throws Exception {
    cluster.put(new ApprovalCluster.Obj().build());

    CliRun r = run("approve", ID, "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kubeguard approvals approve: approval " + ID + " names no approval server (its "
        + "spec.answerUrl is empty): pass --approvals-url https://HOST/kubeguard/approvals\n");
    assertThat(approvals.getRequestCount()).isZero();
  }

  @Test
  void anUnknownApprovalWithoutTheFlagExitsOne() throws Exception {
    CliRun r = run("deny", "apr-nope", "--reason", "no", "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("kubeguard approvals deny: approval apr-nope not found in namespace ops\n");
  }

  @Test
  void aClientCertificateOnlyUserIsToldItCannotProveWhoItIsAndNothingIsSent() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl(base() + "/approvals/" + ID).build());
    Path kubeconfig = cluster.kubeconfig(dir, "ops", """
        client-certificate-data: %s
        client-key-data: %s
        """.formatted(TestCertificate.CERT_BASE64, TestCertificate.KEY_BASE64));

    CliRun r = run("approve", ID, "--kubeconfig", kubeconfig.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kubeguard approvals approve: the kubeconfig user of context \"test\" signs in with a "
        + "client certificate only, which cannot prove who you are to the approval server (it takes a bearer token): "
        + "pass --token with a token of yours (your OIDC id token, or a Kubernetes token the approval server can "
        + "review)\n");
    assertThat(approvals.getRequestCount()).isZero();
    assertThat(cluster.requests()).isEmpty();
  }

  @Test
  void aUserWithNoCredentialAtAllIsToldToPassAToken() throws Exception {
    Path kubeconfig = cluster.kubeconfig(dir, "ops", "{}");

    CliRun r = run("approve", ID, "--kubeconfig", kubeconfig.toString(), "--approvals-url", base());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kubeguard approvals approve: the kubeconfig user of context \"test\" has no token to "
        + "prove who you are to the approval server: pass --token\n");
  }

  @Test
  void aPlainHttpAnswerUrlToAnotherHostGetsNoToken() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl("http://approvals.example/kubeguard/approvals/" + ID).build());

    CliRun r = run("approve", ID, "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kubeguard approvals approve: the approval's answer URL "
        + "http://approvals.example/kubeguard/approvals/" + ID + " is plain http to another host: your token would "
        + "travel unencrypted; use the server's https URL (or port-forward it to localhost) with --approvals-url\n");
  }

  @Test
  void anAnswerUrlThatIsNotTheApprovalsPageAsksForTheFlag() throws Exception {
    cluster.put(new ApprovalCluster.Obj().answerUrl("ask #ops-approvals on Slack").build());

    CliRun r = run("approve", ID, "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("pass --approvals-url");
  }
}

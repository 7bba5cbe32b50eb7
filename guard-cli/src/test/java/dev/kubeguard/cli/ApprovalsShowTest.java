package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubeguard approvals show ID}: one approval with its masked body and diff, from the mock cluster. */
class ApprovalsShowTest {

  private static final String ID = "apr-0123456789abcdef-1";
  private static final String BODY = "{\n  \"kind\": \"DeleteOptions\",\n  \"propagationPolicy\": \"Foreground\"\n}";
  private static final String DIFF = """
      --- live
      +++ dry-run
      @@ -1,3 +1,3 @@
       metadata:
      -  name: web
      +  deletionTimestamp: "2025-03-01T10:00:00Z"
      """;

  @TempDir Path dir;
  private final ApprovalCluster cluster = new ApprovalCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private CliRun run(String... args) throws Exception {
    return CliRun.of(new ApprovalsCommand(Clock.fixed(ApprovalsListTest.NOW, ZoneOffset.UTC)), "", args);
  }

  private String kubeconfig() throws Exception {
    return cluster.tokenKubeconfig(dir, "ops", "alice-token").toString();
  }

  @Test
  void showDescribesWhoAsksWhatAndWhyWithTheMaskedBodyAndTheDiff() throws Exception {
    cluster.put(new ApprovalCluster.Obj().view(BODY, DIFF, "")
        .answerUrl("https://ops.example/kubeguard/approvals/" + ID)
        .answer("Approved", "carol", "fine by me", Instant.parse("2025-03-01T10:02:00Z"), "seal").build());

    CliRun r = run("show", ID, "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("""
        ID:          apr-0123456789abcdef-1
        Namespace:   ops
        State:       APPROVED
        Requester:   bob (groups: developers, system:authenticated)
        Request:     DELETE /apis/apps/v1/namespaces/prod/deployments/web
        Verb:        delete
        Resource:    deployments.apps
        Object:      prod/web
        Reason:      deleting in prod needs a human
        Approvers:   sre (1 approval needed)
        Requested:   2025-03-01T10:00:00Z (5m ago)
        Expires:     2025-03-01T10:10:00Z (in 5m)
        Answer at:   https://ops.example/kubeguard/approvals/apr-0123456789abcdef-1
        Answers:
          carol approved at 2025-03-01T10:02:00Z: fine by me
        Body (masked):
          {
            "kind": "DeleteOptions",
            "propagationPolicy": "Foreground"
          }
        Diff (live object -> dry-run result, masked):
          --- live
          +++ dry-run
          @@ -1,3 +1,3 @@
           metadata:
          -  name: web
          +  deletionTimestamp: "2025-03-01T10:00:00Z"
        """);
  }

  @Test
  void anObjectWithoutTheViewFieldsShowsNoneAndTheDiffNoteWhenThereIsOne() throws Exception {
    cluster.put(new ApprovalCluster.Obj().build());
    cluster.put(new ApprovalCluster.Obj().id("apr-noted").view("", "", "dry-run refused: 403 forbidden").build());

    String old = run("show", ID, "--kubeconfig", kubeconfig()).out();
    String noted = run("show", "apr-noted", "--kubeconfig", kubeconfig()).out();

    assertThat(old).contains("Answer at:   <none>\n", "Answers:     <none>\n", "Body (masked): <none>\n",
        "Diff (live object -> dry-run result, masked): <none>\n");
    assertThat(noted).endsWith("Diff (live object -> dry-run result, masked): <none>: dry-run refused: 403 forbidden\n");
  }

  @Test
  void terminalControlSequencesFromTheObjectAreNeutralized() throws Exception {
    ApprovalCluster.Obj o = new ApprovalCluster.Obj().view("line\u001b[2Kgone\r\nnext", "\u202eevil", "");
    o.user = "bob\u001b]0;pwned\u0007";
    o.reason = "ok\nState:       APPROVED";
    cluster.put(o.build());

    CliRun show = run("show", ID, "--kubeconfig", kubeconfig());
    CliRun list = run("list", "--kubeconfig", kubeconfig());

    for (String out : new String[] {show.out(), list.out()}) {
      assertThat(out).doesNotContain("\u001b", "\u0007", "\u202e", "\r");
    }
    assertThat(show.out()).contains("Requester:   bob?]0;pwned? (groups:", "Reason:      ok State:       APPROVED\n",
        "  line?[2Kgone\n  next\n", "  ?evil\n");
    assertThat(show.out()).contains("State:       PENDING\n");
  }

  @Test
  void jsonOutputCarriesTheViewFieldsUnchanged() throws Exception {
    cluster.put(new ApprovalCluster.Obj().view(BODY, DIFF, "").answerUrl("https://ops.example/a/" + ID).build());

    CliRun r = run("show", ID, "--kubeconfig", kubeconfig(), "-o", "json");

    JsonNode v = new ObjectMapper().readTree(r.out());
    assertThat(v.path("maskedBody").asText()).isEqualTo(BODY);
    assertThat(v.path("diff").asText()).isEqualTo(DIFF);
    assertThat(v.path("answerUrl").asText()).isEqualTo("https://ops.example/a/" + ID);
    assertThat(v.path("state").asText()).isEqualTo("PENDING");
  }

  @Test
  void anUnknownIdExitsOneNamingTheNamespace() throws Exception {
    CliRun r = run("show", "apr-nope", "--kubeconfig", kubeconfig());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("kubeguard approvals show: approval apr-nope not found in namespace ops\n");
  }
}

package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command lines {@code kubeguard approvals} cannot run exit 2, saying what to fix, before asking anyone anything. */
class ApprovalsUsageTest {

  @TempDir Path dir;
  private final ApprovalCluster cluster = new ApprovalCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static CliRun run(String... args) throws Exception {
    return CliRun.of(new ApprovalsCommand(), "", args);
  }

  private String kubeconfig() throws Exception {
    return cluster.tokenKubeconfig(dir, "ops", "alice-token").toString();
  }

  private void assertUsage(String expectedErr, String... args) throws Exception {
    CliRun r = run(args);
    assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
    assertThat(r.out()).as(String.join(" ", args)).isEmpty();
    assertThat(r.err()).as(String.join(" ", args)).isEqualTo(expectedErr + "\n");
  }

  @Test
  void denyNeedsAReason() throws Exception {
    String k = kubeconfig();
    String msg = "kubeguard approvals deny: needs --reason TEXT: say why, the requester and the audit trail see it (try --help)";
    assertUsage(msg, "deny", "apr-1", "--kubeconfig", k);
    assertUsage(msg, "deny", "apr-1", "--reason", "  ", "--kubeconfig", k);
    assertThat(cluster.requests()).isEmpty();
  }

  @Test
  void anApprovalIdIsRequiredOnceAndMustBeAnId() throws Exception {
    String k = kubeconfig();
    assertUsage("kubeguard approvals show: name the approval: its ID (kubeguard approvals list shows them) (try --help)",
        "show", "--kubeconfig", k);
    assertUsage("kubeguard approvals approve: takes one approval ID, got 2 (try --help)", "approve", "apr-1", "apr-2");
    assertUsage("kubeguard approvals approve: '../../admin' is not an approval ID (1-63 lower-case letters, digits and "
        + "'-', e.g. apr-0123456789abcdef-1) (try --help)", "approve", "../../admin", "--token", "t");
    assertUsage("kubeguard approvals list: takes no arguments, got 'pods' (try --help)", "list", "pods");
    assertThat(cluster.requests()).isEmpty();
  }

  @Test
  void unknownOptionsFormatsAndTimeoutsAreUsageErrors() throws Exception {
    assertUsage("kubeguard approvals list: unknown option '--watch' (try --help)", "list", "--watch");
    assertUsage("kubeguard approvals list: -o wide is not one of table, json, yaml (try --help)", "list", "-o", "wide");
    assertUsage("kubeguard approvals show: -o table is not one of text, json, yaml (try --help)", "show", "apr-1", "-o", "table");
    assertUsage("kubeguard approvals approve: unknown option '--reason' (try --help)", "approve", "apr-1", "--reason", "x");
    assertUsage("kubeguard approvals list: --request-timeout '5 s' is not a duration: give seconds (30) or units "
        + "(500ms, 1m30s, 2h) (try --help)", "list", "--request-timeout", "5 s");
    assertUsage("kubeguard approvals list: --namespace is empty (try --help)", "list", "-n", "");
  }

  @Test
  void aKubeconfigThatCannotBeUsedIsAUsageError() throws Exception {
    Path missing = dir.resolve("missing");
    assertUsage("kubeguard approvals list: --kubeconfig " + missing + ": no such file (try --help)",
        "list", "--kubeconfig", missing.toString());
    String k = kubeconfig();
    assertUsage("kubeguard approvals list: context \"prod\" is not in the kubeconfig (" + k + ") (try --help)",
        "list", "--kubeconfig", k, "--context", "prod");
    assertThat(cluster.requests()).isEmpty();
  }

  @Test
  void aMissingOrUnknownSubcommandIsAUsageError() throws Exception {
    CliRun none = run();
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).isEqualTo("kubeguard approvals: say list, show, approve or deny (try --help)\n");
    CliRun unknown = run("approveall");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("kubeguard approvals: unknown subcommand 'approveall' (try --help)\n");
  }

  @Test
  void everySubcommandAnswersHelpWithItsUsageAndTheExitCodes() throws Exception {
    for (String sub : List.of("list", "show", "approve", "deny")) {
      CliRun r = run(sub, "--help");
      assertThat(r.exit()).as(sub).isZero();
      assertThat(r.out()).as(sub).startsWith("usage: kubeguard approvals " + sub)
          .contains("--kubeconfig", "--context", "-n, --namespace", "--token", "--request-timeout", "Exit status:");
    }
    assertThat(run("deny", "-h").out()).contains("--reason TEXT", "--approvals-url", "client certificate");
    assertThat(run("--help").out()).startsWith("usage: kubeguard approvals list");
  }
}

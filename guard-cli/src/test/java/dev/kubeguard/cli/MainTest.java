package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code kubeguard} entry point: --version, help for every command, and one exit-code scheme. */
class MainTest {

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(List.of(args), new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void versionPrintsTheBuildVersion() {
    Run run = main("--version");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).matches("kubeguard \\d+\\.\\d+\\.\\d+\\S*\n");
  }

  @Test
  void everyCommandAndAuditSubcommandAnswersHelpWithItsUsageAndTheExitCodes() {
    for (List<String> cmd : List.of(List.of("classify"), List.of("check"), List.of("mask"), List.of("audit"),
        List.of("audit", "verify"), List.of("audit", "replay"), List.of("approvals"), List.of("approvals", "list"),
        List.of("approvals", "show"), List.of("approvals", "approve"), List.of("approvals", "deny"))) {
      String[] args = java.util.stream.Stream.concat(cmd.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new);
      Run run = main(args);
      assertThat(run.exit()).as(String.join(" ", cmd)).isZero();
      assertThat(run.out()).as(String.join(" ", cmd))
          .startsWith("usage: kubeguard " + String.join(" ", cmd))
          .contains("Exit status:", "1  denied or approval required", "2  usage error");
    }
    assertThat(main("help", "check").out()).startsWith("usage: kubeguard check");
    assertThat(main("check", "-h").exit()).isZero();
  }

  @Test
  void topLevelHelpListsEveryCommandAndTheExitCodes() {
    Run run = main("--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("classify", "check", "mask", "audit verify", "approvals list", "--name=value",
        "Exit status:");
    Run none = main();
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("usage: kubeguard");
  }

  @Test
  void unknownCommandsAndUnreadableInputExitTwo() throws Exception {
    Run unknown = main("frobnicate");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'frobnicate'");

    Path policy = Files.writeString(dir.resolve("p.yaml"), "kind: [unclosed\n");
    assertThat(main("check", "--policy", policy.toString(), "--as", "bob", "get", "pods").exit()).isEqualTo(2);
  }

  @Test
  void aDenialExitsOneThroughTheEntryPoint() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), """
        apiVersion: kubeguard.dev/v1
        kind: GuardPolicy
        metadata: {name: p}
        spec:
          rules:
          - name: reads
            subjects: {users: [bob]}
            effect: allow
            match: {verbs: [get], apiGroups: [""], resources: [pods]}
        """);

    assertThat(main("check", "--policy=" + policy, "--as=bob", "-n", "a", "get", "pods", "p").exit()).isZero();
    assertThat(main("check", "--policy=" + policy, "--as=bob", "-n", "a", "delete", "pods", "p").exit()).isEqualTo(1);
  }
}

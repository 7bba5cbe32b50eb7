package dev.kubeguard.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code ./kubeguard} launcher runs the CLI and passes its exit status through. This
 * module depends on guard-cli, so in the reactor the jar is built before these tests run.
 */
class LauncherTest {

  @TempDir Path dir;

  record Ran(int exit, String out, String err) {}

  private static Ran kubeguard(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", Repo.ROOT.resolve("kubeguard").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(Repo.ROOT.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    // A bound against a hung process, not a timing assertion: a rebuild may take minutes.
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    return new Ran(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void printsTheVersionOfThisCheckout() throws Exception {
    String version = Repo.child(Repo.pom("pom.xml").getDocumentElement(), "version");

    Ran run = kubeguard("--version");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("kubeguard " + version + "\n");
  }

  @Test
  void passesTheCheckExitStatusThroughSoAPipelineCanGateOnIt() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), """
        apiVersion: kubeguard.dev/v1
        kind: GuardPolicy
        metadata: {name: p}
        spec:
          rules:
          - name: reads
            subjects: {users: [bob]}
            effect: allow
            match: {verbs: [get, list], apiGroups: [""], resources: [pods]}
        """);

    assertThat(kubeguard("check", "--policy", policy.toString(), "--as", "bob", "-n", "shop", "-q", "get", "pods").exit())
        .isZero();
    Ran denied = kubeguard("check", "--policy", policy.toString(), "--as", "bob", "-n", "shop", "delete", "pods", "web");
    assertThat(denied.exit()).isEqualTo(1);
    assertThat(denied.out()).contains("decision: DENY");
    assertThat(kubeguard("check", "--frobnicate").exit()).isEqualTo(2);
  }
}

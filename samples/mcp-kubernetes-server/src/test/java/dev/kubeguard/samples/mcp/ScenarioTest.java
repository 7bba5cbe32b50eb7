package dev.kubeguard.samples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scenario a new user runs with {@code -Dexec.args=--scenario}, run here in-process. */
class ScenarioTest {

  @Test
  void scenarioPassesEveryStepAndExitsZero() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = McpKubernetesServer.run(new String[] {"--scenario"}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);

    String shown = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(shown + err).isZero();
    assertThat(shown)
        .contains("1. An allowed read", "2. A masked Secret", "3. A denied exec", "4. A delete held for approval",
            "5. A request without a token", "6. An out-of-scope namespace", "7. kubeguard audit verify")
        .contains("All steps behaved as expected.")
        .doesNotContain("FAIL")
        .doesNotContain(DemoCluster.DB_PASSWORD);
    assertThat(shown.lines().filter(l -> l.strip().startsWith("PASS")).count()).isGreaterThanOrEqualTo(9);
  }

  @Test
  void scenarioRefusesARealClusterEvenWhenKubeconfigIsSet() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

    int withFlag = McpKubernetesServer.run(new String[] {"--scenario", "--kubeconfig", "/nonexistent"}, Map.of(),
        new PrintStream(new ByteArrayOutputStream()), errors, false);

    assertThat(withFlag).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("only on the embedded cluster");
    assertThat(Options.parse(new String[] {"--scenario"}, Map.of("KUBECONFIG", "/home/me/.kube/prod")).kubeconfig())
        .isNull();
    assertThat(Options.parse(new String[0], Map.of("KUBECONFIG", "/home/me/.kube/prod")).kubeconfig())
        .hasToString("/home/me/.kube/prod");
  }
}

package dev.kubeguard.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void theDemoMasksDeniesHoldsForApprovalAndDetectsTampering() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String shown = out.toString(StandardCharsets.UTF_8);
    assertThat(shown)
        .contains("data.password = ")
        .contains("\"password\":\"kubeguard-masked:")
        .contains("env DB_PASSWORD = kubeguard-masked:")
        .contains("403 Forbidden: pods \"web-1\" is forbidden")
        .contains("exec requests that reached the API server: 0")
        .containsPattern("approval apr-[0-9a-f]+ is pending")
        .contains("alice's identical retry passes: DELETE /apis/apps/v1/namespaces/shop/deployments/web")
        .contains("a third delete is held again (403)")
        .contains("leaked plaintext in the trail? no")
        .containsPattern("kubeguard audit verify: OK \\d+ events")
        .contains("line edited (hash mismatch)");
    assertThat(shown).doesNotContain("S3cr3t-Pa55w0rd!").doesNotContain("hunter2-literal").doesNotContain("UzNjcjN0LVBhNTV3MHJkIQ==");
  }
}

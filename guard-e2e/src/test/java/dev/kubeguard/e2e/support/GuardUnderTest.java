package dev.kubeguard.e2e.support;

import dev.kubeguard.core.Guard;
import dev.kubeguard.core.approval.ManualApprover;
import dev.kubeguard.core.policy.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Guard configured as a user would: the GuardPolicy in {@code e2e-policy.yaml} (test resources),
 * the default masker, a file audit trail and a {@link ManualApprover} people answer.
 *
 * <p>Thread-safe like its parts. {@link #close()} closes the trail and deletes its directory.
 */
public final class GuardUnderTest implements AutoCloseable {

  public final Guard guard;
  public final GuardTrail trail;
  public final ManualApprover approver;
  private final Path dir;

  private GuardUnderTest(Guard guard, GuardTrail trail, ManualApprover approver, Path dir) {
    this.guard = guard;
    this.trail = trail;
    this.approver = approver;
    this.dir = dir;
  }

  public static GuardUnderTest start() {
    try {
      Path dir = Files.createTempDirectory("kubeguard-e2e-guard-");
      GuardTrail trail = new GuardTrail(dir);
      ManualApprover approver = new ManualApprover();
      Guard guard = Guard.builder()
          .policy(PolicyLoader.fromYaml("e2e-policy.yaml", policyText()))
          .recorder(trail)
          .approver(approver)
          .approvalTimeout(Duration.ofSeconds(60))
          .build();
      return new GuardUnderTest(guard, trail, approver, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("e2e-policy.yaml did not load: " + e.getMessage(), e);
    }
  }

  private static String policyText() throws IOException {
    try (InputStream in = GuardUnderTest.class.getResourceAsStream("/e2e-policy.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws Exception {
    trail.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

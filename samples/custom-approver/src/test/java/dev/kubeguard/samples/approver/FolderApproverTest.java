package dev.kubeguard.samples.approver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderApproverTest {
  private static final Identity BOB = Identity.of("bob", "sre-leads");
  @TempDir Path folder;

  private static ApprovalRequest held(String id, Duration ttl) {
    AccessRequest asked = AccessRequest.forAttributes(Identity.of("alice", "developers"),
        Attributes.resource("delete", "", "v1", "configmaps", "", "shop", "old-flags"), CallContext.forTool("cleanup", "s1"));
    return new ApprovalRequest(id, "0".repeat(64), asked,
        Decision.requireApproval("r", "needs a lead", ApprovalRequirement.of("sre-leads")), Instant.now(), Instant.now().plus(ttl));
  }

  @Test
  void writesTheRequestAndRelaysTheApprovalOfSomeoneOnTheRoster() throws Exception {
    try (FolderApprover approver = new FolderApprover(folder, Map.of("bob", BOB))) {
      CompletableFuture<ApprovalOutcome> answer = approver.requestApproval(held("apr-1", Duration.ofMinutes(1))).toCompletableFuture();

      assertThat(Files.readString(folder.resolve("apr-1.request"))).contains("alice asks: delete configmaps shop/old-flags");
      Files.writeString(folder.resolve("apr-1.approved"), "bob\n");

      ApprovalOutcome outcome = answer.get(10, TimeUnit.SECONDS);
      assertThat(outcome.status()).isEqualTo(ApprovalOutcome.Status.APPROVED);
      assertThat(outcome.approvers()).containsExactly(BOB);
    }
  }

  @Test
  void aNameNotOnTheRosterIsNoAnswerAndADenialDenies() throws Exception {
    try (FolderApprover approver = new FolderApprover(folder, Map.of("bob", BOB))) {
      CompletableFuture<ApprovalOutcome> answer = approver.requestApproval(held("apr-2", Duration.ofMinutes(1))).toCompletableFuture();

      Files.writeString(folder.resolve("apr-2.approved"), "mallory\n");
      try {
        answer.get(1500, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillWaiting) {
        // expected: an unknown name does not count
      }
      assertThat(answer).isNotDone();
      assertThat(folder.resolve("apr-2.approved")).doesNotExist();

      Files.writeString(folder.resolve("apr-2.denied"), "bob");
      assertThat(answer.get(10, TimeUnit.SECONDS).status()).isEqualTo(ApprovalOutcome.Status.DENIED);
    }
  }

  @Test
  void theDemoDeleteWaitsForTheFileThenGoesThrough() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      FolderApproverDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("apr-[0-9a-f]+\\.request: alice asks: delete configmaps shop/old-flags")
        .contains("bob runs: echo bob > ")
        .contains("approved: the delete went through; ConfigMap still there? false");
  }
}

package dev.kubeguard.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.approval.ManualApprover;
import java.io.IOException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an agent's Kubernetes client sees of a request held for approval in request-then-retry mode. */
class PendingApprovalStatusTest {

  private static final Identity AGENT = Identity.of("agent-bob", "developers", Identity.AUTHENTICATED);
  private static final String DEPLOYMENT = "/apis/apps/v1/namespaces/prod/deployments/web";

  private final MockWebServer server = new MockWebServer();
  private final ManualApprover approver = new ManualApprover().answeredAt("kubeguard approvals approve {id}, or https://ops.example/approvals/{id}");
  private final Guard guard = Guard.builder()
      .policy(q -> Decision.requireApproval("prod-deletes", "deleting in prod needs a human", ApprovalRequirement.of("sre", "platform")))
      .approver(approver)
      .build();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Response delete(OkHttpClient client) throws IOException {
    return client.newCall(new Request.Builder().url(server.url(DEPLOYMENT)).delete().build()).execute();
  }

  @Test
  void thePendingStatusTellsTheAgentTheIdWhoMayApproveWhereAndThatItCannotApproveItself() throws Exception {
    OkHttpClient client = GuardedOkHttp.forIdentity(new OkHttpClient(), guard, AGENT);

    JsonNode status;
    try (Response held = delete(client)) {
      assertThat(held.code()).isEqualTo(403);
      status = new ObjectMapper().readTree(held.body().string());
    }
    String id = approver.pending().stream().map(ApprovalRequest::id).findFirst().orElseThrow();
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(status.path("details").path("name").asText()).isEqualTo("web");
    assertThat(status.path("message").asText())
        .startsWith("deployments.apps \"web\" is forbidden: User \"agent-bob\" cannot delete resource \"deployments\"")
        .contains("approval " + id + " is pending")
        .contains("Who may approve: 1 person in group \"sre\" or \"platform\", not the requester \"agent-bob\"")
        .contains("Where: kubeguard approvals approve " + id + ", or https://ops.example/approvals/" + id)
        .contains("The caller cannot approve this itself")
        .contains("retry the identical request");
    assertThat(server.getRequestCount()).isZero();

    approver.approve(id, Identity.of("alice", "sre"), "go ahead");
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .body("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}").build());
    try (Response retried = delete(client)) {
      assertThat(retried.code()).isEqualTo(200);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }
}

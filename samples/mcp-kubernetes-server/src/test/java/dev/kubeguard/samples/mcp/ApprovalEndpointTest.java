package dev.kubeguard.samples.mcp;

import static dev.kubeguard.samples.mcp.RunningServer.call;
import static dev.kubeguard.samples.mcp.RunningServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approvers' endpoint: who may answer a held request, and what everyone else is told. */
class ApprovalEndpointTest {
  @TempDir static Path dir;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ServerStack server;
  private static McpSyncClient developer;

  @BeforeAll
  static void start() throws Exception {
    server = RunningServer.start(dir.resolve("audit.jsonl"));
    developer = RunningServer.client(server, DemoUser.DEVELOPER);
  }

  @AfterAll
  static void stop() {
    try {
      developer.close();
    } finally {
      server.close();
    }
  }

  private static String holdADelete(String name) {
    String error = text(call(developer, "delete_resource", Map.of("kind", "Pod", "namespace", "shop", "name", name)));
    Matcher id = Pattern.compile("apr-[A-Za-z0-9-]+").matcher(error);
    assertThat(id.find()).as(error).isTrue();
    return id.group();
  }

  private static HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.approvalsUrl() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anApproverSeesTheHeldRequestAndApprovesIt() throws Exception {
    String id = holdADelete("web-5d9c7b-k8m3n");
    String approver = server.tokenFor(DemoUser.APPROVER);

    HttpResponse<String> listed = send("GET", "", approver);
    HttpResponse<String> approved = send("POST", "/" + id + "/approve", approver);
    String retried = text(call(developer, "delete_resource",
        Map.of("kind", "Pod", "namespace", "shop", "name", "web-5d9c7b-k8m3n")));

    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.body()).contains(id).contains("oidc:dana").contains("\"verb\":\"delete\"");
    assertThat(approved.statusCode()).isEqualTo(200);
    assertThat(approved.body()).contains("\"complete\":true");
    assertThat(retried).isEqualTo("deleted Pod shop/web-5d9c7b-k8m3n");
  }

  @Test
  void someoneOutsideTheApproverGroupIsRefusedAndTheRequestStaysHeld() throws Exception {
    String id = holdADelete("worker-7f6d5c-p9q2r");

    HttpResponse<String> bySre = send("POST", "/" + id + "/approve", server.tokenFor(DemoUser.SRE));
    String retried = text(call(developer, "delete_resource",
        Map.of("kind", "Pod", "namespace", "shop", "name", "worker-7f6d5c-p9q2r")));

    assertThat(bySre.statusCode()).isEqualTo(403);
    assertThat(bySre.body()).contains("not in an approver group").contains("approvers");
    assertThat(retried).contains("Held for approval").contains(id);
  }

  @Test
  void withoutAValidTokenNothingIsListedOrAnswered() throws Exception {
    HttpResponse<String> none = send("GET", "", null);
    HttpResponse<String> forged = send("POST", "/apr-0000/approve", "not-a-jwt");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).doesNotContain("Exception");
  }

  @Test
  void anUnknownApprovalIdIsNotFound() throws Exception {
    HttpResponse<String> unknown = send("POST", "/apr-doesnotexist/approve", server.tokenFor(DemoUser.APPROVER));

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no pending approval apr-doesnotexist");
  }
}

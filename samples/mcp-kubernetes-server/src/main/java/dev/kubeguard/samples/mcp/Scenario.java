package dev.kubeguard.samples.mcp;

import dev.kubeguard.core.audit.AuditVerificationResult;
import dev.kubeguard.core.audit.AuditVerifier;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives a running server the way an agent and its humans would, with the MCP Java SDK's own
 * client, and prints each step and whether it behaved as expected: an allowed read, a masked
 * Secret, a denied exec, a delete held for approval and approved by the approver (on the
 * approvals endpoint, after the requester failed to approve it herself), a request without a
 * token refused, an out-of-scope namespace refused, then {@code audit verify} over the trail.
 * {@link #run()} returns 0 only if every step passed. Single-threaded; needs the embedded issuer
 * and cluster.
 */
final class Scenario {
  private static final Pattern APPROVAL_ID = Pattern.compile("apr-[A-Za-z0-9-]+");

  private final ServerStack server;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int failures;

  Scenario(ServerStack server, PrintStream out) {
    this.server = server;
    this.out = out;
  }

  /** Runs every step; 0 if all behaved as expected, else the number that did not. */
  int run() throws Exception {
    String dana = server.tokenFor(DemoUser.DEVELOPER);
    String alex = server.tokenFor(DemoUser.APPROVER);
    try (McpSyncClient developer = client(dana)) {
      developer.initialize();
      allowedRead(developer);
      maskedSecret(developer);
      deniedExec(developer);
      heldDelete(developer, dana, alex);
      noToken();
      outOfScope(developer);
    }
    auditVerify(List.of(dana, alex));
    out.println();
    out.println(failures == 0 ? "All steps behaved as expected." : failures + " step(s) did not behave as expected.");
    return failures;
  }

  private void allowedRead(McpSyncClient developer) {
    step("1. An allowed read: dana (developers) lists the pods in namespace shop");
    McpSchema.CallToolResult r = call(developer, "list_resources", Map.of("kind", "Pod", "namespace", "shop"));
    show(r);
    check(!error(r) && text(r).contains("shop/web-"), "the pods of shop are listed");
  }

  private void maskedSecret(McpSyncClient developer) {
    step("2. A masked Secret: dana reads Secret shop/db-credentials");
    McpSchema.CallToolResult r = call(developer, "get_resource",
        Map.of("kind", "Secret", "namespace", "shop", "name", "db-credentials"));
    Matcher password = Pattern.compile("password: \"?([A-Za-z0-9+/=]+)").matcher(text(r));
    boolean found = !error(r) && password.find();
    String decoded = found ? new String(Base64.getDecoder().decode(password.group(1)), StandardCharsets.UTF_8) : "";
    say("   data.password = %s  (base64 of \"%s\")", found ? password.group(1) : "(missing)", decoded);
    check(found && decoded.startsWith("kubeguard-masked:") && !text(r).contains(DemoCluster.DB_PASSWORD)
            && !text(r).contains(b64(DemoCluster.DB_PASSWORD)),
        "the Secret arrives, its value masked and still valid base64");
  }

  private void deniedExec(McpSyncClient developer) {
    step("3. A denied exec: dana runs `cat /etc/secret` in pod shop/web-5d9c7b-x2x7q");
    int before = execRequests();
    McpSchema.CallToolResult r = call(developer, "exec_in_pod",
        Map.of("namespace", "shop", "name", "web-5d9c7b-x2x7q", "command", List.of("cat", "/etc/secret")));
    show(r);
    int reached = execRequests() - before;
    say("   exec requests that reached the API server: %d", reached);
    check(error(r) && text(r).contains("no-exec-for-developers") && reached == 0,
        "refused by rule no-exec-for-developers before anything was sent");
  }

  private void heldDelete(McpSyncClient developer, String danaToken, String alexToken) throws Exception {
    step("4. A delete held for approval: dana deletes Deployment shop/web");
    Map<String, Object> args = Map.of("kind", "Deployment", "namespace", "shop", "name", "web");
    McpSchema.CallToolResult held = call(developer, "delete_resource", args);
    show(held);
    Matcher id = APPROVAL_ID.matcher(text(held));
    if (!check(error(held) && id.find() && text(held).contains(server.approvalsUrl() + "/"),
        "held, and the agent is told the approval id, who may approve and where")) {
      return;
    }
    URI approve = URI.create(server.approvalsUrl() + "/" + id.group() + "/approve");
    HttpResponse<String> self = post(approve, danaToken);
    say("   dana tries to approve it herself: HTTP %d %s", self.statusCode(), self.body());
    check(self.statusCode() == 403, "the requester cannot approve her own request");
    HttpResponse<String> approved = post(approve, alexToken);
    say("   alex (approvers) approves it on %s: HTTP %d %s", approve, approved.statusCode(), approved.body());
    check(approved.statusCode() == 200, "the approver's answer is accepted");
    McpSchema.CallToolResult retry = call(developer, "delete_resource", args);
    say("   dana's identical retry:");
    show(retry);
    check(!error(retry) && text(retry).startsWith("deleted"), "the identical retry goes through once approved");
  }

  private void outOfScope(McpSyncClient developer) {
    step("6. An out-of-scope namespace: dana lists the Secrets of namespace payments");
    McpSchema.CallToolResult r = call(developer, "list_resources", Map.of("kind", "Secret", "namespace", "payments"));
    show(r);
    check(error(r) && text(r).startsWith("Forbidden by policy") && text(r).contains("payments"),
        "refused: developers work in shop and dev only");
  }

  private void noToken() throws Exception {
    step("5. A request without a token: an MCP client connects with no Authorization header");
    boolean refused;
    try (McpSyncClient anonymous = client(null)) {
      anonymous.initialize();
      refused = false;
    } catch (RuntimeException expected) {
      refused = true;
    }
    HttpResponse<String> raw = http.send(HttpRequest.newBuilder(server.resource())
            .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    String challenge = raw.headers().firstValue("WWW-Authenticate").orElse("");
    say("   the SDK client's initialize %s; HTTP %d, WWW-Authenticate: %s", refused ? "fails" : "SUCCEEDS", raw.statusCode(), challenge);
    check(refused && raw.statusCode() == 401 && challenge.contains("resource_metadata=\"" + server.metadataUrl() + "\""),
        "refused with 401, pointing at the protected-resource metadata");
  }

  private void auditVerify(List<String> tokens) throws Exception {
    step("7. kubeguard audit verify " + server.audit());
    server.syncAudit();
    AuditVerificationResult result = AuditVerifier.verifyChain(server.audit(), AuditVerifier.Options.keyed(server.auditKey()));
    String trail = Files.readString(server.audit());
    boolean leaks = trail.contains(DemoCluster.DB_PASSWORD) || trail.contains(b64(DemoCluster.DB_PASSWORD))
        || tokens.stream().anyMatch(trail::contains);
    say("   %s; plaintext secrets or tokens in the trail: %s", result.summary(), leaks ? "YES" : "none");
    check(result.ok() && result.eventCount() > 0 && !leaks, "the hash chain verifies and the trail holds no secret");
  }

  private McpSyncClient client(String token) {
    HttpClientStreamableHttpTransport.Builder transport =
        HttpClientStreamableHttpTransport.builder("http://" + server.resource().getRawAuthority()).endpoint("/mcp");
    if (token != null) {
      transport.addHttpRequestCustomizer((b, method, uri, body, ctx) -> b.header("Authorization", "Bearer " + token));
    }
    return McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(20)).build();
  }

  private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
  }

  private HttpResponse<String> post(URI uri, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int execRequests() {
    return (int) server.demoCluster().received().stream().filter(r -> r.contains("/exec")).count();
  }

  private static boolean error(McpSchema.CallToolResult r) {
    return Boolean.TRUE.equals(r.isError());
  }

  private static String text(McpSchema.CallToolResult r) {
    return r.content().isEmpty() || !(r.content().get(0) instanceof McpSchema.TextContent t) ? "" : t.text();
  }

  private void show(McpSchema.CallToolResult r) {
    for (String line : text(r).strip().split("\n")) {
      say("   %s %s", error(r) ? "tool error:" : "|", line);
    }
  }

  private boolean check(boolean ok, String expectation) {
    say("   %s %s", ok ? "PASS" : "FAIL", expectation);
    if (!ok) {
      failures++;
    }
    return ok;
  }

  private void step(String title) {
    out.println();
    out.println(title);
  }

  private void say(String format, Object... args) {
    out.println(String.format(format, args));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}

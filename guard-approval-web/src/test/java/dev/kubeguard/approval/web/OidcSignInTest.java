package dev.kubeguard.approval.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.approval.kubernetes.MockCluster;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import dev.kubeguard.core.oidc.TestIssuer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OIDC id tokens, verified by the real OidcAuthenticator against a real issuer's JWKS. */
class OidcSignInTest {

  private static final String API = ApprovalWeb.DEFAULT_BASE_PATH + "/api/approvals";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestIssuer issuer;

  private final MockCluster cluster = new MockCluster();
  private Replica replica;

  @BeforeAll
  static void startIssuer() {
    issuer = TestIssuer.start();
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (replica != null) {
      replica.close();
    }
    cluster.close();
  }

  @Test
  void anOidcApproverSeesWhatTheirGroupsMayApproveAndTheirApprovalCounts() throws Exception {
    replica = new Replica(cluster, "deleting in prod needs a human", Replica.oidc(issuer, "kubeguard"), UnaryOperator.identity());
    Http http = new Http(replica.server.url());
    String id = replica.held();
    String sre = issuer.token().claim("sub", "olivia").claim("groups", List.of("sre")).sign();
    String dev = issuer.token().claim("sub", "dan").claim("groups", List.of("developers")).sign();

    assertThat(JSON.readTree(http.getJson(API, sre).body()).path("items")).hasSize(1);
    assertThat(JSON.readTree(http.getJson(API, dev).body()).path("items")).as("not their group's to approve").isEmpty();
    assertThat(http.getJson(API + "/" + id, dev).statusCode()).isEqualTo(404);
    String tampered = sre.substring(0, sre.length() - 4) + (sre.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertThat(http.getJson(API, tampered).statusCode()).isEqualTo(401);

    HttpResponse<String> r = http.postJson(API + "/" + id + "/approve", sre, "{\"comment\":\"ok\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("answeredBy").asText()).isEqualTo("oidc:olivia");
    MockCluster.await("the informer sees the answer", () -> replica.state(id) == PendingApproval.State.APPROVED);
    assertThat(replica.delete().allowed()).isTrue();
    assertThat(replica.events).singleElement().satisfies(e -> {
      assertThat(e.user().user()).isEqualTo("oidc:olivia");
      assertThat(e.toString()).doesNotContain(sre);
    });
  }
}

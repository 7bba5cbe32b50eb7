package dev.kubeguard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Test
  void kubeRequestDropsCredentialHeadersWhateverTheirCase() {
    KubeRequest r = KubeRequest.of("get", "/api/v1/pods", Map.of(
        "authorization", List.of("Bearer abc"),
        "Proxy-Authorization", List.of("Basic xyz"),
        "COOKIE", List.of("s=1"),
        "Accept", List.of("application/json")), null);

    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.headers()).containsOnlyKeys("Accept");
    assertThat(r.header("accept")).isEqualTo("application/json");
    assertThat(r.toString()).doesNotContain("abc");
  }

  @Test
  void kubeRequestDropsEveryNameThatLowerCasesToACredentialHeader() {
    for (String name : java.util.List.of("Authorization", "AUTHORIZATION", "aUtHoRiZaTiOn", "PROXY-authorization",
        "Cookie", "COOKIE", "Coo\u212Aie", "AUTHOR\u0130ZATION")) {
      KubeRequest r = KubeRequest.of("GET", "/api", Map.of(name, List.of("secret-value"), "X-Other", List.of("kept")), null);
      assertThat(r.headers()).as(name).containsOnlyKeys("X-Other");
    }
    assertThat(KubeRequest.of("GET", "/api", Map.of("Authorization-Hint", List.of("x")), null).headers())
        .containsOnlyKeys("Authorization-Hint");
  }

  @Test
  void kubeRequestBodyCannotBeChangedFromOutside() {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    KubeRequest r = KubeRequest.of("POST", "/api/v1/namespaces/a/configmaps", Map.of(), body);
    body[0] = 'X';
    r.body()[1] = 'Y';
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(r.toString()).doesNotContain("\"a\"");
    assertThat(r).isEqualTo(KubeRequest.of("POST", "/api/v1/namespaces/a/configmaps", Map.of(), "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void kubeRequestRecognisesWebSocketAndSpdyUpgrades() {
    assertThat(KubeRequest.of("GET", "/x", Map.of("Connection", List.of("keep-alive, Upgrade")), null).isUpgrade()).isTrue();
    assertThat(KubeRequest.of("POST", "/x", Map.of("Upgrade", List.of("SPDY/3.1")), null).isUpgrade()).isTrue();
    assertThat(KubeRequest.of("GET", "/x").isUpgrade()).isFalse();
  }

  @Test
  void requireApprovalDecisionNeedsARequirement() {
    assertThatThrownBy(() -> new Decision(Decision.Effect.REQUIRE_APPROVAL, "r", "x", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ApprovalRequirement");
    Decision d = Decision.requireApproval("rule-1", "deletes need approval", ApprovalRequirement.of("sre"));
    assertThat(d.obligations().approval().approverGroups()).containsExactly("sre");
    assertThat(d.obligations().auditLevel()).isEqualTo(AuditLevel.METADATA);
  }

  @Test
  void approvalRequirementRejectsNonsense() {
    assertThatThrownBy(() -> new ApprovalRequirement(List.of(), 0, null, null, null))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new ApprovalRequirement(List.of(), 1, java.time.Duration.ZERO, null, null))
        .hasMessageContaining("ttl must be positive");
  }

  @Test
  void denyOutranksApprovalOutranksAllow() {
    assertThat(Decision.Effect.DENY.rank()).isGreaterThan(Decision.Effect.REQUIRE_APPROVAL.rank());
    assertThat(Decision.Effect.REQUIRE_APPROVAL.rank()).isGreaterThan(Decision.Effect.ALLOW.rank());
  }

  @Test
  void auditLevelParsesKubernetesNamesAndExplainsBadOnes() {
    assertThat(AuditLevel.parse("RequestResponse")).isEqualTo(AuditLevel.REQUEST_RESPONSE);
    assertThat(AuditLevel.parse("metadata")).isEqualTo(AuditLevel.METADATA);
    assertThatThrownBy(() -> AuditLevel.parse("Everything")).hasMessageContaining("None, Metadata, Request or RequestResponse");
  }

  @Test
  void serviceAccountIdentityCarriesKubernetesGroups() {
    Identity sa = Identity.serviceAccount("shop", "deployer");
    assertThat(sa.user()).isEqualTo("system:serviceaccount:shop:deployer");
    assertThat(sa.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated");
    assertThatThrownBy(() -> Identity.of(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void accessRequestKeepsRequestAndClassificationTogether() {
    Attributes a = Attributes.nonResource("get", "/healthz");
    assertThatThrownBy(() -> new AccessRequest(Identity.of("u"), KubeRequest.of("GET", "/healthz"), null, a, false, CallContext.now()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(AccessRequest.forAttributes(Identity.of("u"), a, CallContext.now()).request()).isNull();
  }
}

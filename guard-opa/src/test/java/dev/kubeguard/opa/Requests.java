package dev.kubeguard.opa;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.RequestInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Access requests the tests send, built the way the Guard builds them. */
final class Requests {

  static final Instant TIME = Instant.parse("2026-11-27T10:15:30Z");

  private Requests() {}

  /** alice creates a Deployment in prod-web as a dry run, from an MCP tool. */
  static AccessRequest createDeployment(Instant time) {
    Identity alice = new Identity("alice@example.com", "u-123", List.of("developers", "system:authenticated"),
        Map.of("scopes", List.of("read", "write")), "https://issuer.example");
    KubeRequest http = KubeRequest.of("POST",
        "/apis/apps/v1/namespaces/prod-web/deployments?fieldManager=kubectl&dryRun=All",
        Map.of("Content-Type", List.of("application/json"),
            "Authorization", List.of("Bearer cluster-token"),
            "User-Agent", List.of("kubectl/v1.28.7")),
        "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"}}".getBytes(StandardCharsets.UTF_8));
    RequestInfo info = new RequestInfo(true, "/apis/apps/v1/namespaces/prod-web/deployments", "create", "apis",
        "apps", "v1", "prod-web", "deployments", "", "", List.of("deployments"), "", "");
    return new AccessRequest(alice, http, info, Attributes.of(info), true,
        new CallContext("kubectl_apply", "sess-1", "corr-9", time));
  }

  static AccessRequest createDeployment() {
    return createDeployment(TIME);
  }

  /** {@code user} reads pods in {@code namespace}, asked from attributes alone. */
  static AccessRequest listPods(String user, String namespace) {
    return AccessRequest.forAttributes(Identity.of(user, "developers"),
        Attributes.resource("list", "", "v1", "pods", "", namespace, ""),
        new CallContext("", "", "", TIME));
  }
}

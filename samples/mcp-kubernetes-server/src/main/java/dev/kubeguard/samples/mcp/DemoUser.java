package dev.kubeguard.samples.mcp;

import java.util.List;

/**
 * The demo issuer's users. Their groups are what the bundled policy grants: an SRE who may do
 * most things, a developer scoped to two namespaces, and an approver who answers held requests.
 */
public enum DemoUser {
  /** Operates the whole cluster; deletes still need an approver. */
  SRE("sam", List.of("sre")),
  /** Works in namespaces {@code shop} and {@code dev}; no exec; deletes need an approver. */
  DEVELOPER("dana", List.of("developers")),
  /** Reads everything but Secrets, and approves held requests on the approvals endpoint. */
  APPROVER("alex", List.of("approvers"));

  private final String subject;
  private final List<String> groups;

  DemoUser(String subject, List<String> groups) {
    this.subject = subject;
    this.groups = groups;
  }

  /** The token's {@code sub} claim. */
  public String subject() {
    return subject;
  }

  /** The token's {@code groups} claim. */
  public List<String> groups() {
    return groups;
  }

  /** The Kubernetes user name the Guard sees ({@code oidc:} prefix, as the server configures). */
  public String userName() {
    return McpKubernetesServer.USERNAME_PREFIX + subject;
  }
}

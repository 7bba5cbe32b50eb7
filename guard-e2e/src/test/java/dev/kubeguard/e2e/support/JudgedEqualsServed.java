package dev.kubeguard.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.e2e.controlplane.ServerAuditEvent;
import dev.kubeguard.e2e.controlplane.ServerAuditLog;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quicktheories.core.Gen;

/**
 * The differential property, "judged = sent", checked against the real server: for a path sent
 * through a guarded client, either the server's own audit log served it under the Guard's audit
 * id and read it exactly as the Guard judged it (verb, request URI, group, version, namespace,
 * resource, name, subresource), or the Guard refused it before sending (nothing in the server's
 * log under that id, and the caller got a 403 {@code Status}).
 *
 * <p>Paths mix real segments with dot segments (plain and percent-encoded), encoded slashes,
 * encoded letters, double encoding and empty segments: the places where clients and the server
 * have been seen to read a URL differently. The server does not resolve dot segments.
 *
 * <p>Not thread-safe: one checker per probe, one request at a time.
 */
public final class JudgedEqualsServed {

  private final GuardTrail trail;
  private final ServerAuditLog serverLog;
  private final Set<String> seenIds = new HashSet<>();
  private int served;
  private int refused;

  public JudgedEqualsServed(GuardTrail trail, ServerAuditLog serverLog) {
    this.trail = trail;
    this.serverLog = serverLog;
    // Requests recorded before this checker belong to others sharing the trail.
    trail.events().forEach(e -> seenIds.add(e.auditId()));
  }

  /** Paths around namespace {@code ns} (allowed to the prober) and {@code other} (not allowed). */
  public static Gen<String> paths(String ns, String other) {
    Gen<String> prefix = arbitrary().pick(List.of("/api/v1", "/apis/apps/v1", "//api/v1", "/%61pi/v1", "/api", "/apis", ""));
    Gen<String> namespace = arbitrary().pick(List.of("", "/namespaces/" + ns, "/namespaces/" + other, "/namespaces/" + ns + "/..",
        "/namespaces/..", "/namespaces/.", "/namespaces/%2e%2e", "/namespaces/" + ns + "%2F..", "/namespaces/"));
    Gen<String> resource = arbitrary().pick(List.of("", "/configmaps", "/secrets", "/deployments", "/%73ecrets", "/configmaps/", "/pods"));
    Gen<List<String>> tail = lists().of(arbitrary().pick(List.of("app-config", "db-creds", ".", "..", "%2e", "%2E%2e", "",
        "%2F", "x%2F..", "%252F", "status", other, "secrets", "namespaces", "version"))).ofSizeBetween(0, 4);
    Gen<String> query = arbitrary().pick(List.of("", "", "?limit=1", "?fieldSelector=metadata.name%3Ddb-creds", "?x=%2e%2e"));
    return prefix.zip(namespace, resource, tail, query, (p, n, r, t, q) -> {
      StringBuilder s = new StringBuilder(p).append(n).append(r);
      for (String seg : t) {
        s.append('/').append(seg);
      }
      if (s.length() == 0) {
        s.append("/version");
      }
      return s.append(q).toString();
    });
  }

  /** Sends {@code path} through {@code probe} and asserts the property for it. */
  public void check(Probe probe, String path) throws Exception {
    Probe.Answer answer = probe.get(path);
    String id = newAuditId(path);
    AuditEvent judged = trail.byAuditId(id).get(0);
    serverLog.settle();
    List<ServerAuditEvent> logged = serverLog.events(id);
    if (logged.isEmpty()) {
      assertThat(answer.status()).as("%s: not served, so the Guard must have refused it: %s", path, answer.body()).isEqualTo(403);
      assertThat(answer.body()).as(path).contains("\"kind\":\"Status\"").contains("Forbidden");
      refused++;
      return;
    }
    assertThat(judged.annotations().get("kubeguard.dev/decision")).as("%s was served, so the Guard allowed it", path)
        .isEqualTo("allow");
    assertThat(RequestReading.served(logged.get(0)))
        .as("GET %s: what kube-apiserver served (its audit log) vs what the Guard judged", path)
        .isEqualTo(RequestReading.judged(judged));
    served++;
  }

  /** How many checked paths the server served (and matched). */
  public int served() {
    return served;
  }

  /** How many checked paths the Guard refused before sending. */
  public int refused() {
    return refused;
  }

  private String newAuditId(String path) {
    // The first event of this call: RequestReceived if allowed, the denial's ResponseComplete if not.
    List<String> fresh = trail.events().stream().map(AuditEvent::auditId).filter(i -> !seenIds.contains(i)).distinct().toList();
    assertThat(fresh).as("the Guard recorded exactly one new request for GET %s", path).hasSize(1);
    seenIds.add(fresh.get(0));
    return fresh.get(0);
  }
}

package dev.kubeguard.e2e.controlplane;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of kube-apiserver's own audit log ({@code audit.k8s.io/v1 Event}, JSON), reduced to
 * what the scenarios compare: which request the server saw and how it read it. Missing fields
 * are empty strings; {@code code} is 0 before the response. Immutable; {@link #raw} is the whole
 * event (read it, do not change it).
 */
public record ServerAuditEvent(
    String auditId, String stage, String verb, String requestUri, String user,
    String resource, String namespace, String name, String subresource, String apiGroup, String apiVersion,
    int code, JsonNode raw) {

  static ServerAuditEvent of(JsonNode e) {
    JsonNode ref = e.path("objectRef");
    return new ServerAuditEvent(
        e.path("auditID").asText(), e.path("stage").asText(), e.path("verb").asText(), e.path("requestURI").asText(),
        e.path("user").path("username").asText(),
        ref.path("resource").asText(), ref.path("namespace").asText(), ref.path("name").asText(),
        ref.path("subresource").asText(), ref.path("apiGroup").asText(), ref.path("apiVersion").asText(),
        e.path("responseStatus").path("code").asInt(0), e);
  }

  public boolean isResponseComplete() {
    return stage.equals("ResponseComplete");
  }
}

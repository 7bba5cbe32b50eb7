package dev.kubeguard.e2e.support;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.e2e.controlplane.ServerAuditEvent;

/**
 * How one request was read: its request URI as it arrived, and kube-apiserver's reading of it
 * (verb and object reference). Built from the Guard's audit event (what was judged) or from the
 * server's (what was served), so the two compare field by field. Immutable.
 */
public record RequestReading(
    String verb, String requestUri, String apiGroup, String apiVersion, String namespace, String resource,
    String name, String subresource) {

  public static RequestReading judged(AuditEvent e) {
    AuditEvent.ObjectReference r = e.objectRef() != null ? e.objectRef()
        : new AuditEvent.ObjectReference("", "", "", "", "", "", "", "");
    return new RequestReading(e.verb(), e.requestUri(), r.apiGroup(), r.apiVersion(), r.namespace(), r.resource(),
        r.name(), r.subresource());
  }

  public static RequestReading served(ServerAuditEvent e) {
    return new RequestReading(e.verb(), e.requestUri(), e.apiGroup(), e.apiVersion(), e.namespace(), e.resource(),
        e.name(), e.subresource());
  }
}

package dev.kubeguard.opa.internal.input;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Identity;

/**
 * Writes the {@code spec} of an {@code authorization.k8s.io/v1} SubjectAccessReview exactly as
 * kube-apiserver's webhook authorizer sends it: same field names and order, and empty values left
 * out as Go's {@code omitempty} leaves them out, so policies written for OPA's Kubernetes
 * authorization webhook read it unchanged.
 *
 * <p>Selectors travel as {@code {"rawSelector": "..."}}; the parsed {@code requirements} are not
 * sent (Kubernetes documents that a webhook which does not see requirements must treat the request
 * as unlimited, which is the safe reading). Stateless and thread-safe.
 */
final class SubjectAccessReviewSpec {

  private SubjectAccessReviewSpec() {}

  static ObjectNode of(Identity identity, Attributes a, JsonNodeFactory f) {
    ObjectNode spec = f.objectNode();
    if (a.isResourceRequest()) {
      ObjectNode ra = spec.putObject("resourceAttributes");
      putNonEmpty(ra, "namespace", a.namespace());
      putNonEmpty(ra, "verb", a.verb());
      putNonEmpty(ra, "group", a.apiGroup());
      putNonEmpty(ra, "version", a.apiVersion());
      putNonEmpty(ra, "resource", a.resource());
      putNonEmpty(ra, "subresource", a.subresource());
      putNonEmpty(ra, "name", a.name());
      putSelector(ra, "fieldSelector", a.fieldSelector());
      putSelector(ra, "labelSelector", a.labelSelector());
    } else {
      ObjectNode nra = spec.putObject("nonResourceAttributes");
      putNonEmpty(nra, "path", a.path());
      putNonEmpty(nra, "verb", a.verb());
    }
    putNonEmpty(spec, "user", identity.user());
    if (!identity.groups().isEmpty()) {
      identity.groups().forEach(spec.putArray("groups")::add);
    }
    if (!identity.extra().isEmpty()) {
      ObjectNode extra = spec.putObject("extra");
      // Map.copyOf in Identity has no stable order; sorting keeps the input (and cache key) stable.
      identity.extra().keySet().stream().sorted()
          .forEach(k -> identity.extra().get(k).forEach(extra.putArray(k)::add));
    }
    putNonEmpty(spec, "uid", identity.uid());
    return spec;
  }

  private static void putNonEmpty(ObjectNode node, String field, String value) {
    if (!value.isEmpty()) {
      node.put(field, value);
    }
  }

  private static void putSelector(ObjectNode node, String field, String raw) {
    if (!raw.isEmpty()) {
      node.putObject(field).put("rawSelector", raw);
    }
  }
}

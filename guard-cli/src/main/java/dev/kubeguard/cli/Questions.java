package dev.kubeguard.cli;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Identity;

/** Says an authorization question in words, for people reading {@code kubeguard check}. Stateless. */
final class Questions {

  /** {@code delete pods "web" in namespace "shop"}, {@code impersonate users "alice"}, {@code get path "/healthz"}. */
  static String describe(Attributes a) {
    if (!a.isResourceRequest()) {
      return a.verb() + " path \"" + a.path() + "\"";
    }
    StringBuilder s = new StringBuilder(a.verb()).append(' ').append(a.resource());
    if (!a.apiGroup().isEmpty()) {
      s.append('.').append(a.apiGroup());
    }
    if (!a.subresource().isEmpty()) {
      s.append('/').append(a.subresource());
    }
    if (!a.name().isEmpty()) {
      s.append(" \"").append(a.name()).append('"');
    }
    s.append(a.namespace().isEmpty() ? " (cluster scope, or all namespaces)" : " in namespace \"" + a.namespace() + "\"");
    return s.toString();
  }

  /**
   * kube-apiserver's wording of a refusal (its authorizer's {@code forbiddenMessage}), then the
   * policy's reason: {@code User "bob" cannot impersonate resource "users" in API group "" at the
   * cluster scope: no rule allows it}.
   */
  static String forbiddenMessage(Identity who, Attributes a, String reason) {
    String user = who == null ? "" : who.user();
    String base;
    if (!a.isResourceRequest()) {
      base = "User \"" + user + "\" cannot " + a.verb() + " path \"" + a.path() + "\"";
    } else {
      String scope = a.namespace().isEmpty() ? "at the cluster scope" : "in the namespace \"" + a.namespace() + "\"";
      base = "User \"" + user + "\" cannot " + a.verb() + " resource \"" + a.combinedResource()
          + "\" in API group \"" + a.apiGroup() + "\" " + scope;
    }
    return reason == null || reason.isEmpty() ? base : base + ": " + reason;
  }

  private Questions() {}
}

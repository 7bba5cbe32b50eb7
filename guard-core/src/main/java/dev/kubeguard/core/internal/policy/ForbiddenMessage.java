package dev.kubeguard.core.internal.policy;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Identity;

/**
 * The sentence kube-apiserver puts in a 403 (its {@code forbiddenMessage}), so a denial reads as
 * users already know it: {@code User "bob" cannot get resource "secrets" in API group "" in the
 * namespace "shop"}. Stateless.
 */
public final class ForbiddenMessage {

  private ForbiddenMessage() {}

  public static String of(Identity identity, Attributes a) {
    String user = quote(identity.user());
    if (!a.isResourceRequest()) {
      return "User " + user + " cannot " + a.verb() + " path " + quote(a.path());
    }
    String resource = quote(a.combinedResource());
    String head = "User " + user + " cannot " + a.verb() + " resource " + resource + " in API group " + quote(a.apiGroup());
    if (!a.namespace().isEmpty()) {
      return head + " in the namespace " + quote(a.namespace());
    }
    return head + " at the cluster scope";
  }

  /** Go's {@code %q} for the characters names realistically hold: quotes and backslashes escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c < 0x20) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}

package dev.kubeguard.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who is asking: a verified user as kube-apiserver's {@code user.Info} describes one (name, uid,
 * groups, extra), plus the issuer that vouched for it.
 *
 * <p>Immutable and thread-safe. The constructor copies every collection and rejects a blank user
 * name, so an {@code Identity} in hand is always well-formed.
 *
 * @param user the user name as RBAC sees it (after any claim prefix), never blank
 * @param uid a stable unique id, or {@code ""}
 * @param groups the groups, in the order the authenticator produced them
 * @param extra extra attributes ({@code user.Info.Extra}), each key mapped to its values
 * @param issuer the token issuer that vouched for this identity, or {@code ""} for configured ones
 */
public record Identity(
    String user, String uid, List<String> groups, Map<String, List<String>> extra, String issuer) {

  /** Group every authenticated user belongs to in Kubernetes. */
  public static final String AUTHENTICATED = "system:authenticated";

  public Identity {
    Objects.requireNonNull(user, "user");
    if (user.isBlank()) {
      throw new IllegalArgumentException("Identity user must not be blank");
    }
    uid = uid == null ? "" : uid;
    groups = groups == null ? List.of() : List.copyOf(groups);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    if (extra != null) {
      extra.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "extra key"), List.copyOf(v)));
    }
    extra = Map.copyOf(copy);
    issuer = issuer == null ? "" : issuer;
  }

  /** A user with the given groups, no uid, no extra, no issuer. Groups are taken as given. */
  public static Identity of(String user, String... groups) {
    return new Identity(user, "", List.of(groups), Map.of(), "");
  }

  /**
   * The identity Kubernetes gives service account {@code namespace/name}: user
   * {@code system:serviceaccount:<ns>:<name>} in groups {@code system:serviceaccounts},
   * {@code system:serviceaccounts:<ns>} and {@code system:authenticated}.
   */
  public static Identity serviceAccount(String namespace, String name) {
    return of(
        "system:serviceaccount:" + namespace + ":" + name,
        "system:serviceaccounts",
        "system:serviceaccounts:" + namespace,
        AUTHENTICATED);
  }

  /** Whether this identity is a member of {@code group}. */
  public boolean inGroup(String group) {
    return groups.contains(group);
  }
}

package dev.kubeguard.core.policy;

import dev.kubeguard.api.Identity;
import java.util.List;

/**
 * Whom a rule applies to: user and group patterns. A literal pattern (no {@code *}) matches by
 * equality, as RBAC subjects always do; a pattern with {@code *} is a {@link Glob} (GuardPolicy
 * only; RBAC subjects are always literal, so an RBAC {@code User "*"} names a user called
 * {@code *}, as in Kubernetes). A rule with no subjects applies to nobody.
 *
 * <p>Immutable and thread-safe.
 */
record Subjects(List<Glob> users, List<Glob> groups) {

  public Subjects {
    users = List.copyOf(users);
    groups = List.copyOf(groups);
  }

  /** Whether any pattern matches the identity's user name or one of its groups. */
  public boolean appliesTo(Identity identity) {
    for (Glob u : users) {
      if (u.matches(identity.user())) {
        return true;
      }
    }
    for (Glob g : groups) {
      for (String group : identity.groups()) {
        if (g.matches(group)) {
          return true;
        }
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return users.isEmpty() && groups.isEmpty();
  }
}

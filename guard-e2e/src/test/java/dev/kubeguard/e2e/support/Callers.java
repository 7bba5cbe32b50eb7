package dev.kubeguard.e2e.support;

import dev.kubeguard.api.Identity;

/**
 * The verified identities the Guard acts for, matching the control plane's token users by name and
 * group. The Guard itself talks to the server with the admin token and narrows it per caller.
 */
public final class Callers {

  public static final Identity DEVELOPER = Identity.of("developer", "developers", Identity.AUTHENTICATED);
  /** The differential property's caller: may read anything in e2e-* namespaces, nothing else. */
  public static final Identity PROBER = Identity.of("prober", "probers", Identity.AUTHENTICATED);
  /** The write-back scenario's caller: may read and write Secrets and ConfigMaps in e2e-* namespaces. */
  public static final Identity OPERATOR = Identity.of("operator", "operators", Identity.AUTHENTICATED);
  public static final Identity APPROVER = Identity.of("approver", "approvers", Identity.AUTHENTICATED);

  private Callers() {}
}

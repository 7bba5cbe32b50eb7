package dev.kubeguard.e2e.controlplane;

import java.util.List;

/**
 * A user of the control plane's static token file: {@code token,user,uid,"group1,group2"}.
 * Immutable.
 */
public record TokenUser(String name, String uid, List<String> groups, String token) {

  public TokenUser {
    groups = List.copyOf(groups);
  }

  String csvLine() {
    return token + "," + name + "," + uid + ",\"" + String.join(",", groups) + "\"";
  }
}

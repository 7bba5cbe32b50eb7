package dev.kubeguard.approval.kubernetes;

import dev.kubeguard.api.Identity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One answer as stored in {@code status.answers} of an ApprovalRequest object. Immutable.
 *
 * @param verdict {@code Approved} or {@code Denied}
 * @param provenBy how the answerer's identity was proven ({@code kubernetes} or {@code oidc})
 * @param seal the {@link AnswerSeal} over all of it, {@code ""} when none
 */
record ObjectAnswer(String verdict, String user, String uid, List<String> groups, String comment, Instant decidedAt,
    String provenBy, String seal) {

  static final String APPROVED = "Approved";
  static final String DENIED = "Denied";

  ObjectAnswer {
    groups = List.copyOf(groups);
  }

  Identity identity() {
    return new Identity(user, uid, groups, Map.of(), "");
  }

  ObjectAnswer sealed(String s) {
    return new ObjectAnswer(verdict, user, uid, groups, comment, decidedAt, provenBy, s);
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verdict", verdict);
    m.put("user", user);
    m.put("uid", uid);
    m.put("groups", new ArrayList<>(groups));
    m.put("comment", comment);
    m.put("decidedAt", decidedAt.toString());
    m.put("provenBy", provenBy);
    m.put("seal", seal);
    return m;
  }

  /** Reads a stored answer; anything malformed reads as {@code null} (and so counts for nothing). */
  static ObjectAnswer fromMap(Object o) {
    if (!(o instanceof Map<?, ?> m)) {
      return null;
    }
    try {
      List<String> groups = new ArrayList<>();
      if (m.get("groups") instanceof List<?> gs) {
        for (Object g : gs) {
          groups.add(String.valueOf(g));
        }
      }
      return new ObjectAnswer(str(m, "verdict"), str(m, "user"), str(m, "uid"), groups, str(m, "comment"),
          Instant.parse(str(m, "decidedAt")), str(m, "provenBy"), str(m, "seal"));
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  private static String str(Map<?, ?> m, String k) {
    Object v = m.get(k);
    return v == null ? "" : String.valueOf(v);
  }
}

package dev.kubeguard.core.classify;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.KubeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code impersonate} questions kube-apiserver's impersonation filter asks before it lets a
 * request act as someone else, one per requested user, group, uid and extra value, in the
 * filter's order (user, groups, extras, uid):
 *
 * <ul>
 *   <li>{@code Impersonate-User: system:serviceaccount:<ns>:<name>} (valid names) asks for
 *       {@code serviceaccounts} {@code <name>} in namespace {@code <ns>}; any other user for
 *       {@code users} {@code <user>}; both in the core group {@code ""};
 *   <li>each {@code Impersonate-Group} value asks for {@code groups} {@code <group>};
 *   <li>each value of {@code Impersonate-Extra-<key>} asks for {@code userextras/<key>} named
 *       {@code <value>} in {@code authentication.k8s.io/v1}; the key is lower-cased, then
 *       percent-decoded (kept as is if that fails);
 *   <li>{@code Impersonate-Uid} asks for {@code uids} {@code <uid>} in {@code authentication.k8s.io/v1}.
 * </ul>
 *
 * <p>Like the server, groups, extras or a uid without a user are a 400. Where the server would
 * silently use only the first of several {@code Impersonate-User} or {@code Impersonate-Uid}
 * values, this refuses (400) rather than let an unseen value through. Stateless and thread-safe.
 */
final class ImpersonationChecks {

  public static final String USER = "Impersonate-User";
  public static final String GROUP = "Impersonate-Group";
  public static final String UID = "Impersonate-Uid";
  public static final String EXTRA_PREFIX = "Impersonate-Extra-";

  private static final String VERB = "impersonate";
  private static final String AUTHENTICATION_GROUP = "authentication.k8s.io";
  private static final String AUTHENTICATION_VERSION = "v1";
  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  private ImpersonationChecks() {}

  /**
   * The impersonation questions a request raises, empty when it impersonates no one.
   *
   * @throws ClassificationException 400 for combinations kube-apiserver rejects or that it would
   *     read ambiguously
   */
  public static List<Attributes> of(KubeRequest request) throws ClassificationException {
    Map<String, List<String>> headers = request.headers();
    if (!impersonationHeaderNames(headers)) {
      // No name even looks like one, so none of the lookups below could find anything.
      return List.of();
    }
    List<Attributes> checks = new ArrayList<>();

    String user = single(request.headerValues(USER), USER);
    boolean hasUser = !user.isEmpty();
    if (hasUser) {
      checks.add(userCheck(user));
    }

    List<String> groups = request.headerValues(GROUP);
    for (String group : groups) {
      checks.add(Attributes.resource(VERB, "", "", "groups", "", "", group));
    }

    boolean hasExtra = false;
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      String name = header.getKey();
      if (!name.regionMatches(true, 0, EXTRA_PREFIX, 0, EXTRA_PREFIX.length())) {
        continue;
      }
      hasExtra = true;
      String key = extraKey(name.substring(EXTRA_PREFIX.length()));
      for (String value : header.getValue()) {
        checks.add(
            Attributes.resource(
                VERB, AUTHENTICATION_GROUP, AUTHENTICATION_VERSION, "userextras", key, "", value));
      }
    }

    String uid = single(request.headerValues(UID), UID);
    boolean hasUid = !uid.isEmpty();
    if (hasUid) {
      checks.add(
          Attributes.resource(VERB, AUTHENTICATION_GROUP, AUTHENTICATION_VERSION, "uids", "", "", uid));
    }

    if ((!groups.isEmpty() || hasExtra || hasUid) && !hasUser) {
      throw ClassificationException.badRequest(
          "requested " + describe(checks) + " without impersonating a user");
    }
    return checks;
  }

  private static Attributes userCheck(String user) {
    if (user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      String rest = user.substring(SERVICE_ACCOUNT_PREFIX.length());
      int colon = rest.indexOf(':');
      if (colon >= 0 && rest.indexOf(':', colon + 1) < 0) {
        String namespace = rest.substring(0, colon);
        String name = rest.substring(colon + 1);
        if (KubeNameRules.isDns1123Label(namespace) && KubeNameRules.isDns1123Subdomain(name)) {
          return Attributes.resource(VERB, "", "", "serviceaccounts", "", namespace, name);
        }
      }
    }
    return Attributes.resource(VERB, "", "", "users", "", "", user);
  }

  private static String single(List<String> values, String header) throws ClassificationException {
    if (values.isEmpty()) {
      return "";
    }
    if (values.size() > 1) {
      throw ClassificationException.badRequest(
          "bad request: " + values.size() + " " + header + " headers; kube-apiserver would use only"
              + " the first, so the request is refused");
    }
    return values.get(0);
  }

  /** Lower-cased (header names are ASCII tokens), then {@code url.PathUnescape}d when that works. */
  private static String extraKey(String encoded) throws ClassificationException {
    String lower = encoded.toLowerCase(Locale.ROOT);
    GoUnescape.Decoded decoded = GoUnescape.unescape(lower, 0, lower.length(), false);
    if (decoded == null) {
      return lower;
    }
    if (!decoded.exact()) {
      throw ClassificationException.badRequest(
          "bad request: impersonation extra key " + lower + " does not decode to valid UTF-8");
    }
    return decoded.value();
  }

  /**
   * Whether any header name, stripped, starts with {@code Impersonate-} in any case. Go's server
   * refuses header names that are not HTTP tokens; one that only looks like an impersonation
   * header must not slip past as something else, so it is refused here.
   */
  private static boolean impersonationHeaderNames(Map<String, List<String>> headers)
      throws ClassificationException {
    boolean any = false;
    for (String name : headers.keySet()) {
      String trimmed = name.strip();
      if (trimmed.regionMatches(true, 0, "Impersonate-", 0, "Impersonate-".length())) {
        if (!HttpTokens.isToken(name)) {
          throw ClassificationException.badRequest("bad request: invalid header name " + name);
        }
        any = true;
      }
    }
    return any;
  }

  private static String describe(List<Attributes> checks) {
    StringBuilder b = new StringBuilder("[");
    for (Attributes a : checks) {
      if (b.length() > 1) {
        b.append(' ');
      }
      b.append(a.combinedResource()).append('/').append(a.name());
    }
    return b.append(']').toString();
  }
}

package dev.kubeguard.core.classify;

import dev.kubeguard.api.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * kube-apiserver's {@code RequestInfoFactory.NewRequestInfo}, step for step, over a path already
 * decoded as Go's {@code URL.Path} and a parsed query. Selector recording follows the current
 * server (feature {@code AuthorizeWithSelectors}, on by default since Kubernetes 1.32).
 *
 * <p>Immutable and thread-safe. Linear in the path length; no regular expressions.
 *
 * @param apiPrefixes first path segments that start an API request ({@code api}, {@code apis})
 * @param grouplessApiPrefixes prefixes whose next segment is the version, not a group
 */
record RequestInfoFactory(Set<String> apiPrefixes, Set<String> grouplessApiPrefixes) {

  private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
  private static final String VERB_WITHOUT_SUBRESOURCES = "proxy";
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
  private static final Set<String> VERBS_WITH_SELECTORS = Set.of("list", "watch", "deletecollection");

  public RequestInfoFactory {
    apiPrefixes = Set.copyOf(apiPrefixes);
    grouplessApiPrefixes = Set.copyOf(grouplessApiPrefixes);
    if (!apiPrefixes.containsAll(grouplessApiPrefixes)) {
      throw new IllegalArgumentException(
          "every groupless API prefix must also be an API prefix: " + grouplessApiPrefixes);
    }
  }

  /**
   * Classifies a request.
   *
   * @param method the HTTP method as sent (Go compares it case-sensitively)
   * @param path the decoded path
   * @param query the parsed query
   * @throws ClassificationException 500 for a legacy {@code /watch} or {@code /proxy} path with
   *     nothing after it, 400 for query values that cannot be read faithfully
   */
  public RequestInfo newRequestInfo(String method, String path, QueryParameters query)
      throws ClassificationException {
    String lowerMethod = asciiLower(method);
    List<String> parts = splitPath(path);
    if (parts.size() < 3 || !apiPrefixes.contains(parts.get(0))) {
      return nonResource(path, lowerMethod, "");
    }
    String apiPrefix = parts.get(0);
    int i = 1;
    String apiGroup = "";
    if (!grouplessApiPrefixes.contains(apiPrefix)) {
      if (parts.size() - i < 3) {
        return nonResource(path, lowerMethod, apiPrefix);
      }
      apiGroup = parts.get(i++);
    }
    String apiVersion = parts.get(i++);

    String verb;
    boolean verbViaPathPrefix = false;
    if (SPECIAL_VERBS.contains(parts.get(i))) {
      if (parts.size() - i < 2) {
        throw ClassificationException.internalError(
            "failed to create RequestInfo: unable to determine kind and namespace from url, "
                + path);
      }
      verb = parts.get(i++);
      verbViaPathPrefix = true;
    } else {
      verb = verbOf(method);
    }

    String namespace = "";
    if (parts.get(i).equals("namespaces")) {
      if (parts.size() - i > 1) {
        namespace = parts.get(i + 1);
        if (parts.size() - i > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(i + 2))) {
          i += 2;
        }
      }
    }
    List<String> rest = parts.subList(i, parts.size());

    String resource = rest.get(0);
    String name = rest.size() >= 2 ? rest.get(1) : "";
    String subresource =
        rest.size() >= 3 && !verb.equals(VERB_WITHOUT_SUBRESOURCES) ? rest.get(2) : "";

    if (name.isEmpty() && verb.equals("get")) {
      ListOptionsReading list = ListOptionsReading.of(query);
      verb = list.watch() ? "watch" : "list";
      name = list.name();
    }
    if (name.isEmpty() && verb.equals("delete")) {
      verb = "deletecollection";
    }

    String fieldSelector = "";
    String labelSelector = "";
    if (!verbViaPathPrefix && VERBS_WITH_SELECTORS.contains(verb)) {
      fieldSelector = recordedSelector(query, "fieldSelector");
      labelSelector = recordedSelector(query, "labelSelector");
    }
    return new RequestInfo(
        true, path, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource, name,
        rest, fieldSelector, labelSelector);
  }

  private static String recordedSelector(QueryParameters query, String param)
      throws ClassificationException {
    String value = query.first(param);
    if (value == null) {
      return "";
    }
    if (!query.firstIsExact(param)) {
      throw ClassificationException.badRequest(
          "bad request: " + param + " does not decode to valid UTF-8, so it cannot be recorded faithfully");
    }
    return value;
  }

  private static RequestInfo nonResource(String path, String verb, String apiPrefix) {
    return new RequestInfo(false, path, verb, apiPrefix, "", "", "", "", "", "", List.of(), "", "");
  }

  /** The verb an ordinary (not special-verb) resource path gets from the exact HTTP method. */
  private static String verbOf(String method) {
    return switch (method) {
      case "POST" -> "create";
      case "GET", "HEAD" -> "get";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> "";
    };
  }

  /** Go's {@code splitPath}: trim every leading and trailing {@code /}, split on {@code /}. */
  static List<String> splitPath(String path) {
    int from = 0;
    int to = path.length();
    while (from < to && path.charAt(from) == '/') {
      from++;
    }
    while (to > from && path.charAt(to - 1) == '/') {
      to--;
    }
    List<String> parts = new ArrayList<>(8);
    if (from == to) {
      return parts;
    }
    int start = from;
    while (true) {
      int slash = path.indexOf('/', start);
      if (slash < 0 || slash >= to) {
        parts.add(segment(path, start, to));
        return parts;
      }
      parts.add(segment(path, start, slash));
      start = slash + 1;
    }
  }

  // The segments almost every path has, shared rather than copied out of each path.
  private static final String[] COMMON_SEGMENTS = {"api", "apis", "v1", "namespaces"};

  private static String segment(String path, int from, int to) {
    int n = to - from;
    for (String c : COMMON_SEGMENTS) {
      if (c.length() == n && path.startsWith(c, from)) {
        return c;
      }
    }
    return path.substring(from, to);
  }

  /** Methods are HTTP tokens (ASCII), so ASCII lower-casing is Go's {@code strings.ToLower}. */
  private static String asciiLower(String s) {
    // the methods clients send, without a copy per request
    switch (s) {
      case "GET":
        return "get";
      case "POST":
        return "post";
      case "PUT":
        return "put";
      case "PATCH":
        return "patch";
      case "DELETE":
        return "delete";
      default:
        break;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          if (chars[j] >= 'A' && chars[j] <= 'Z') {
            chars[j] = (char) (chars[j] + 32);
          }
        }
        return new String(chars);
      }
    }
    return s;
  }
}

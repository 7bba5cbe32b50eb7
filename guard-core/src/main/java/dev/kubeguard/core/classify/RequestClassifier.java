package dev.kubeguard.core.classify;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a Kubernetes API request exactly as kube-apiserver does: the {@link RequestInfo} its
 * {@code RequestInfoFactory} computes (after Go's URL decoding), and every authorization
 * question the request raises.
 *
 * <p>A guard that reads a URL differently from the server is a bypass, so this never guesses:
 * whatever the server rejects (bad escapes, legacy {@code /watch} without a resource, a group
 * impersonated without a user) and the rare inputs that different server versions read
 * differently throw {@link ClassificationException}, which callers must treat as a denial.
 * Nothing else is ever thrown for a non-null input.
 *
 * <p>Immutable and thread-safe; one instance serves all requests. Work is linear in the input
 * length, with no regular expressions and no exceptions on the happy path.
 */
public final class RequestClassifier {

  private static final RequestClassifier STANDARD =
      new RequestClassifier(new RequestInfoFactory(Set.of("api", "apis"), Set.of("api")));

  private static final Set<String> UPGRADE_AS_CREATE = Set.of("exec", "attach", "portforward");

  private final RequestInfoFactory factory;

  private RequestClassifier(RequestInfoFactory factory) {
    this.factory = factory;
  }

  /** The classifier kube-apiserver uses: API prefixes {@code api}, {@code apis}; {@code api} groupless. */
  public static RequestClassifier standard() {
    return STANDARD;
  }

  /**
   * Classifies a request.
   *
   * @param method the HTTP method as sent; kube compares it case-sensitively ({@code get} is not
   *     {@code GET})
   * @param requestTarget the origin-form target as sent on the wire, still percent-encoded
   *     ({@code /api/v1/namespaces/a/pods?watch=1}); an absolute {@code http(s)://} URL is reduced
   *     to its path and query
   * @throws ClassificationException when kube-apiserver would reject the request before
   *     authorizing it (400/500), or would read it differently across versions (400)
   */
  public RequestInfo classify(String method, String requestTarget) throws ClassificationException {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(requestTarget, "requestTarget");
    if (!HttpTokens.isToken(method)) {
      throw ClassificationException.badRequest("bad request: invalid method " + quote(method));
    }
    RequestTarget target = RequestTarget.parse(requestTarget);
    QueryParameters query = QueryParameters.parse(target.rawQuery());
    return factory.newRequestInfo(method, target.path(), query);
  }

  /**
   * All authorization questions one request raises. First the primary one,
   * {@link Attributes#of(RequestInfo)}, except that an upgrade request ({@link
   * KubeRequest#isUpgrade()}: WebSocket or SPDY) to a {@code pods} {@code exec}, {@code attach} or
   * {@code portforward} subresource is asked with verb {@code create} whatever its method. Then
   * one {@code impersonate} question per impersonation header value, as kube's impersonation
   * filter asks them (see {@link ImpersonationChecks}).
   *
   * <p>Note that kube-apiserver asks the primary question for the impersonated user; the checks
   * here carry no user, the caller decides whose identity answers each.
   *
   * @param info the classification of {@code request}
   * @param request the request, for its headers
   * @throws ClassificationException 400 for impersonation headers kube rejects (groups, extras or
   *     a uid without a user) or would read ambiguously (several users or uids)
   */
  public List<Attributes> authorizationChecks(RequestInfo info, KubeRequest request)
      throws ClassificationException {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(request, "request");
    List<Attributes> impersonation = ImpersonationChecks.of(request);
    List<Attributes> checks = new ArrayList<>(1 + impersonation.size());
    Attributes primary = Attributes.of(info);
    if (request.isUpgrade()
        && info.isResourceRequest()
        && info.resource().equals("pods")
        && UPGRADE_AS_CREATE.contains(info.subresource())) {
      primary = primary.withVerb("create");
    }
    if (impersonation.isEmpty()) {
      return List.of(primary);
    }
    checks.add(primary);
    checks.addAll(impersonation);
    return List.copyOf(checks);
  }

  /**
   * Whether the request target asks for a dry run: a {@code dryRun} query parameter (read as Go
   * reads queries) whose every value is {@code All}, the only value kube-apiserver accepts. Any
   * other value makes the server reject the request, so it is not reported as a dry run; neither
   * is a target that cannot be parsed. Reads never persist anyway; the server ignores
   * {@code dryRun} on them.
   */
  public boolean isDryRun(String requestTarget) {
    Objects.requireNonNull(requestTarget, "requestTarget");
    if (requestTarget.indexOf('?') < 0) {
      return false; // no query at all (most reads): no need to parse the target a second time
    }
    QueryParameters query;
    try {
      query = QueryParameters.parse(RequestTarget.parse(requestTarget).rawQuery());
    } catch (ClassificationException e) {
      return false; // an unparseable target is refused by classify; it is never a dry run
    }
    List<String> values = query.all("dryRun");
    if (values.isEmpty()) {
      return false;
    }
    for (String v : values) {
      if (!v.equals("All")) {
        return false;
      }
    }
    return true;
  }

  private static String quote(String s) {
    return s.length() > 64 ? "\"" + s.substring(0, 64) + "...\"" : "\"" + s + "\"";
  }
}

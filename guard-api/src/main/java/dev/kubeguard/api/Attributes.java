package dev.kubeguard.api;

/**
 * One authorization question, in the shape of Kubernetes' {@code authorizer.Attributes} and a
 * SubjectAccessReview's resource or non-resource attributes: "may the user do {@code verb} on
 * this?". A request yields one primary question (its {@link RequestInfo}, with an upgrade to
 * exec/attach/portforward asked as {@code create}) and one more for each impersonation header.
 *
 * <p>Immutable and thread-safe. Null strings become {@code ""}.
 */
public record Attributes(
    String verb,
    boolean isResourceRequest,
    String apiGroup,
    String apiVersion,
    String namespace,
    String resource,
    String subresource,
    String name,
    String path,
    String fieldSelector,
    String labelSelector) {

  public Attributes {
    verb = RequestInfo.nz(verb);
    apiGroup = RequestInfo.nz(apiGroup);
    apiVersion = RequestInfo.nz(apiVersion);
    namespace = RequestInfo.nz(namespace);
    resource = RequestInfo.nz(resource);
    subresource = RequestInfo.nz(subresource);
    name = RequestInfo.nz(name);
    path = RequestInfo.nz(path);
    fieldSelector = RequestInfo.nz(fieldSelector);
    labelSelector = RequestInfo.nz(labelSelector);
  }

  /** The question a request's own classification asks, unchanged. */
  public static Attributes of(RequestInfo info) {
    return new Attributes(
        info.verb(),
        info.isResourceRequest(),
        info.apiGroup(),
        info.apiVersion(),
        info.namespace(),
        info.resource(),
        info.subresource(),
        info.name(),
        info.path(),
        info.fieldSelector(),
        info.labelSelector());
  }

  /** A resource question without selectors or path. */
  public static Attributes resource(
      String verb, String apiGroup, String apiVersion, String resource, String subresource,
      String namespace, String name) {
    return new Attributes(
        verb, true, apiGroup, apiVersion, namespace, resource, subresource, name, "", "", "");
  }

  /** A non-resource question ({@code get /healthz}). */
  public static Attributes nonResource(String verb, String path) {
    return new Attributes(verb, false, "", "", "", "", "", "", path, "", "");
  }

  /** The same question with another verb. */
  public Attributes withVerb(String newVerb) {
    return new Attributes(
        newVerb, isResourceRequest, apiGroup, apiVersion, namespace, resource, subresource, name,
        path, fieldSelector, labelSelector);
  }

  /** {@code resource/subresource} as RBAC rules name it, or just the resource. */
  public String combinedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }
}

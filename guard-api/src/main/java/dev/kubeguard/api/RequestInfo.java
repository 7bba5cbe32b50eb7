package dev.kubeguard.api;

import java.util.List;
import java.util.Objects;

/**
 * What kube-apiserver's {@code RequestInfoFactory.NewRequestInfo} computes for a request, field
 * for field (same names, same values, same empty strings). It is the server's reading of the URL,
 * never adjusted by the Guard: checks the Guard adds on top (upgrades, impersonation) are separate
 * {@link Attributes}.
 *
 * <p>Immutable and thread-safe. Null strings become {@code ""}, as Go's zero value.
 */
public record RequestInfo(
    boolean isResourceRequest,
    String path,
    String verb,
    String apiPrefix,
    String apiGroup,
    String apiVersion,
    String namespace,
    String resource,
    String subresource,
    String name,
    List<String> parts,
    String fieldSelector,
    String labelSelector) {

  public RequestInfo {
    path = nz(path);
    verb = nz(verb);
    apiPrefix = nz(apiPrefix);
    apiGroup = nz(apiGroup);
    apiVersion = nz(apiVersion);
    namespace = nz(namespace);
    resource = nz(resource);
    subresource = nz(subresource);
    name = nz(name);
    parts = parts == null ? List.of() : List.copyOf(parts);
    fieldSelector = nz(fieldSelector);
    labelSelector = nz(labelSelector);
  }

  /** A non-resource request ({@code /healthz}, {@code /version}, discovery roots). */
  public static RequestInfo nonResource(String path, String verb) {
    return new RequestInfo(false, path, verb, "", "", "", "", "", "", "", List.of(), "", "");
  }

  static String nz(String s) {
    return Objects.requireNonNullElse(s, "");
  }
}

package dev.kubeguard.api;

import java.util.Objects;

/**
 * One authorization question the Guard puts to a {@link dev.kubeguard.api.spi.PolicyEngine}: who
 * asks, the HTTP request, kube-apiserver's exact classification of it, the {@link Attributes}
 * being decided now (the primary question, or an impersonation question the same request also
 * raises), whether it is a dry run, and the call context.
 *
 * <p>{@code request} and {@code info} are {@code null} only for questions asked from attributes
 * alone (a SubjectAccessReview-style check from the CLI); policy engines must cope with that.
 * Immutable and thread-safe.
 */
public record AccessRequest(
    Identity identity,
    KubeRequest request,
    RequestInfo info,
    Attributes attributes,
    boolean dryRun,
    CallContext context) {

  public AccessRequest {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(context, "context");
    if ((request == null) != (info == null)) {
      throw new IllegalArgumentException("request and info come together or not at all");
    }
  }

  /** A question from attributes alone, with no HTTP request behind it. */
  public static AccessRequest forAttributes(Identity identity, Attributes attributes, CallContext context) {
    return new AccessRequest(identity, null, null, attributes, false, context);
  }

  /** The same request asking another question. */
  public AccessRequest withAttributes(Attributes other) {
    return new AccessRequest(identity, request, info, other, dryRun, context);
  }
}

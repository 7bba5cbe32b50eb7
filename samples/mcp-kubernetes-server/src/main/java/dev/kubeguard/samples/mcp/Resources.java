package dev.kubeguard.samples.mcp;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Optional;

/**
 * Resolves a tool's {@code kind} (+ optional {@code apiVersion}) to fabric8 generic operations.
 * Built-in kinds need no discovery ({@link Kinds}); others need an apiVersion and are found
 * through the cluster's discovery. Stateless.
 */
final class Resources {
  private Resources() {}

  /**
   * What a kind resolved to: the operations, and whether objects of it live in a namespace
   * ({@code null}: not known without asking the cluster).
   */
  record Type(
      MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> ops,
      String kind,
      Boolean namespaced) {

    /** The operations for one object, namespace checked against the kind's scope. */
    Resource<GenericKubernetesResource> one(String namespace, String name) {
      if (Boolean.TRUE.equals(namespaced) && namespace == null) {
        throw new ToolInputException("\"namespace\" is required for " + kind + "; call list_namespaces to see which exist");
      }
      if (Boolean.FALSE.equals(namespaced) && namespace != null) {
        throw new ToolInputException(kind + " is cluster-scoped: leave \"namespace\" out");
      }
      return namespace == null ? ops.withName(name) : ops.inNamespace(namespace).withName(name);
    }
  }

  /** Resolves {@code kind} for {@code k8s}; a ToolInputException says what to give instead. */
  static Type resolve(KubernetesClient k8s, String kind, String apiVersion) {
    Optional<ResourceDefinitionContext> known = Kinds.lookup(kind);
    if (known.isPresent() && (apiVersion == null || apiVersion.equals(Kinds.apiVersion(known.get())))) {
      ResourceDefinitionContext c = known.get();
      return new Type(k8s.genericKubernetesResources(c), c.getKind(), c.isNamespaceScoped());
    }
    if (apiVersion == null) {
      throw new ToolInputException(
          "unknown kind \"" + kind + "\": give its apiVersion too (e.g. example.com/v1), or use one of "
              + String.join(", ", Kinds.known()));
    }
    // Not built in: fabric8 finds it through the cluster's discovery; its scope is then unknown
    // here, so a namespace is used exactly when the agent gives one.
    return new Type(k8s.genericKubernetesResources(apiVersion, kind), kind, null);
  }
}

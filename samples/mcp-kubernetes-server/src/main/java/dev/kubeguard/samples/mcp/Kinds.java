package dev.kubeguard.samples.mcp;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The resource kinds the tools know without asking the API server, by kind, plural or short name
 * ({@code Deployment}, {@code deployments}, {@code deploy}), so an agent can say what a human
 * would and no discovery round trip is needed. Any other kind needs an explicit
 * {@code apiVersion}, and is then resolved through the cluster's discovery. Immutable.
 */
final class Kinds {
  private static final Map<String, ResourceDefinitionContext> BY_NAME = new LinkedHashMap<>();

  static {
    add("", "v1", "Pod", "pods", true, "po");
    add("", "v1", "Service", "services", true, "svc");
    add("", "v1", "ConfigMap", "configmaps", true, "cm");
    add("", "v1", "Secret", "secrets", true);
    add("", "v1", "ServiceAccount", "serviceaccounts", true, "sa");
    add("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, "pvc");
    add("", "v1", "Event", "events", true, "ev");
    add("", "v1", "Namespace", "namespaces", false, "ns");
    add("", "v1", "Node", "nodes", false, "no");
    add("apps", "v1", "Deployment", "deployments", true, "deploy");
    add("apps", "v1", "StatefulSet", "statefulsets", true, "sts");
    add("apps", "v1", "DaemonSet", "daemonsets", true, "ds");
    add("apps", "v1", "ReplicaSet", "replicasets", true, "rs");
    add("batch", "v1", "Job", "jobs", true);
    add("batch", "v1", "CronJob", "cronjobs", true, "cj");
    add("networking.k8s.io", "v1", "Ingress", "ingresses", true, "ing");
    add("rbac.authorization.k8s.io", "v1", "Role", "roles", true);
    add("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true);
    add("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false);
    add("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false);
  }

  private Kinds() {}

  private static void add(
      String group, String version, String kind, String plural, boolean namespaced, String... shortNames) {
    ResourceDefinitionContext context =
        new ResourceDefinitionContext.Builder()
            .withGroup(group)
            .withVersion(version)
            .withKind(kind)
            .withPlural(plural)
            .withNamespaced(namespaced)
            .build();
    BY_NAME.put(kind.toLowerCase(Locale.ROOT), context);
    BY_NAME.put(plural, context);
    for (String s : shortNames) {
      BY_NAME.put(s, context);
    }
  }

  /** The known kind named {@code name} (kind, plural or short name, any case). */
  static Optional<ResourceDefinitionContext> lookup(String name) {
    return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The kinds known without discovery, for error messages. */
  static List<String> known() {
    return BY_NAME.values().stream().map(ResourceDefinitionContext::getKind).distinct().toList();
  }

  /** {@code group/version}, or {@code version} for the core group. */
  static String apiVersion(ResourceDefinitionContext context) {
    return context.getGroup() == null || context.getGroup().isEmpty()
        ? context.getVersion()
        : context.getGroup() + "/" + context.getVersion();
  }
}

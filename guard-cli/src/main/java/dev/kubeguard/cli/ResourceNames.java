package dev.kubeguard.cli;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a resource the way {@code kubectl auth can-i} takes it, without a cluster to ask:
 * {@code pods}, a short name ({@code po}, {@code deploy}), a singular ({@code pod}), or
 * {@code RESOURCE.GROUP} ({@code deployments.apps}, {@code widgets.example.com}). kubectl finds
 * the group of a bare name through discovery; here a table of Kubernetes' built-in resources
 * (v1.28) does, and a bare name it does not know is refused rather than guessed into the core
 * group. Stateless.
 */
final class ResourceNames {

  /** A resolved resource: plural name, API group, and whether it is cluster-scoped. */
  record Resolved(String resource, String group, boolean clusterScoped) {}

  private record Known(String group, boolean clusterScoped) {}

  private static final Map<String, Known> PLURALS = new HashMap<>();
  private static final Map<String, String> ALIASES = new HashMap<>();

  private static void known(String group, boolean cluster, String plural, String... aliases) {
    PLURALS.put(plural, new Known(group, cluster));
    for (String a : aliases) {
      ALIASES.put(a, plural);
    }
  }

  static {
    boolean ns = false;
    boolean cluster = true;
    known("", ns, "pods", "po", "pod");
    known("", ns, "services", "svc", "service");
    known("", ns, "secrets", "secret");
    known("", ns, "configmaps", "cm", "configmap");
    known("", ns, "serviceaccounts", "sa", "serviceaccount");
    known("", ns, "persistentvolumeclaims", "pvc", "persistentvolumeclaim");
    known("", ns, "endpoints", "ep");
    known("", ns, "events", "ev", "event");
    known("", ns, "limitranges", "limits", "limitrange");
    known("", ns, "resourcequotas", "quota", "resourcequota");
    known("", ns, "replicationcontrollers", "rc", "replicationcontroller");
    known("", ns, "podtemplates", "podtemplate");
    known("", ns, "bindings", "binding");
    known("", cluster, "namespaces", "ns", "namespace");
    known("", cluster, "nodes", "no", "node");
    known("", cluster, "persistentvolumes", "pv", "persistentvolume");
    known("", cluster, "componentstatuses", "cs", "componentstatus");
    known("apps", ns, "deployments", "deploy", "deployment");
    known("apps", ns, "replicasets", "rs", "replicaset");
    known("apps", ns, "statefulsets", "sts", "statefulset");
    known("apps", ns, "daemonsets", "ds", "daemonset");
    known("apps", ns, "controllerrevisions", "controllerrevision");
    known("batch", ns, "jobs", "job");
    known("batch", ns, "cronjobs", "cj", "cronjob");
    known("autoscaling", ns, "horizontalpodautoscalers", "hpa", "horizontalpodautoscaler");
    known("policy", ns, "poddisruptionbudgets", "pdb", "poddisruptionbudget");
    known("networking.k8s.io", ns, "ingresses", "ing", "ingress");
    known("networking.k8s.io", ns, "networkpolicies", "netpol", "networkpolicy");
    known("networking.k8s.io", cluster, "ingressclasses", "ingressclass");
    known("discovery.k8s.io", ns, "endpointslices", "endpointslice");
    known("coordination.k8s.io", ns, "leases", "lease");
    known("rbac.authorization.k8s.io", ns, "roles", "role");
    known("rbac.authorization.k8s.io", ns, "rolebindings", "rolebinding");
    known("rbac.authorization.k8s.io", cluster, "clusterroles", "clusterrole");
    known("rbac.authorization.k8s.io", cluster, "clusterrolebindings", "clusterrolebinding");
    known("storage.k8s.io", cluster, "storageclasses", "sc", "storageclass");
    known("storage.k8s.io", cluster, "volumeattachments", "volumeattachment");
    known("storage.k8s.io", cluster, "csidrivers", "csidriver");
    known("storage.k8s.io", cluster, "csinodes", "csinode");
    known("storage.k8s.io", ns, "csistoragecapacities", "csistoragecapacity");
    known("apiextensions.k8s.io", cluster, "customresourcedefinitions", "crd", "crds", "customresourcedefinition");
    known("apiregistration.k8s.io", cluster, "apiservices", "apiservice");
    known("admissionregistration.k8s.io", cluster, "validatingwebhookconfigurations", "validatingwebhookconfiguration");
    known("admissionregistration.k8s.io", cluster, "mutatingwebhookconfigurations", "mutatingwebhookconfiguration");
    known("scheduling.k8s.io", cluster, "priorityclasses", "pc", "priorityclass");
    known("node.k8s.io", cluster, "runtimeclasses", "runtimeclass");
    known("certificates.k8s.io", cluster, "certificatesigningrequests", "csr", "certificatesigningrequest");
    known("authentication.k8s.io", cluster, "tokenreviews", "tokenreview");
    known("authorization.k8s.io", cluster, "subjectaccessreviews", "subjectaccessreview");
    known("flowcontrol.apiserver.k8s.io", cluster, "flowschemas", "flowschema");
    known("flowcontrol.apiserver.k8s.io", cluster, "prioritylevelconfigurations", "prioritylevelconfiguration");
    // The impersonate verb's resources, as kubectl auth can-i impersonate users takes them.
    known("", cluster, "users", "user");
    known("", cluster, "groups", "group");
    known("", cluster, "uids", "uid");
    known("authentication.k8s.io", cluster, "userextras", "userextra");
  }

  /**
   * Resolves {@code arg}.
   *
   * @throws Args.UsageException for a bare name that is not a built-in resource
   */
  static Resolved resolve(String arg) throws Args.UsageException {
    if (arg.isEmpty()) {
      throw new Args.UsageException("the resource must not be empty");
    }
    if (!arg.equals(arg.toLowerCase(Locale.ROOT))) {
      throw new Args.UsageException("resource \"" + arg + "\": Kubernetes resource names are lower-case");
    }
    if (arg.equals("*")) {
      return new Resolved("*", "*", false);
    }
    String plural = ALIASES.getOrDefault(arg, arg);
    Known k = PLURALS.get(plural);
    if (k != null) {
      return new Resolved(plural, k.group(), k.clusterScoped());
    }
    int dot = arg.indexOf('.');
    if (dot > 0 && dot < arg.length() - 1) {
      String name = arg.substring(0, dot);
      String group = arg.substring(dot + 1);
      String plural2 = ALIASES.getOrDefault(name, name);
      Known same = PLURALS.get(plural2);
      if (same != null && same.group().equals(group)) {
        return new Resolved(plural2, group, same.clusterScoped());
      }
      return new Resolved(name, group, false);
    }
    throw new Args.UsageException(
        "unknown resource \"" + arg + "\": name its API group as RESOURCE.GROUP (widgets.example.com), "
            + "or use the JSON-lines form with \"attributes\"");
  }

  private ResourceNames() {}
}

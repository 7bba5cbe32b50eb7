package dev.kubeguard.samples.mcp;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The read tools: list namespaces, list and get any resource by kind (Secrets included: what
 * comes back is masked by the Guard as it streams), pod logs. Stateless apart from the runner;
 * thread-safe.
 */
final class ReadTools {
  private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9./_=!,() -]{1,512}");

  private ReadTools() {}

  static List<SyncToolSpecification> all(ToolRunner runner) {
    return List.of(
        runner.tool("list_namespaces", "List the cluster's namespaces.",
            Schema.object(List.of()), (args, k8s) -> listNamespaces(k8s)),
        runner.tool("list_resources",
            "List objects of a kind in a namespace (or across namespaces when namespace is left out"
                + " and policy allows). One line per object.",
            Schema.object(List.of("kind"), "kind", Schema.KIND, "apiVersion", Schema.API_VERSION,
                "namespace", Schema.NAMESPACE,
                "labelSelector", Schema.string("Optional label selector, e.g. app=web"),
                "limit", Schema.integer("At most this many objects (default 200)", 1, 1000)),
            ReadTools::list),
        runner.tool("get_resource",
            "Get one object as YAML. Secret values and other sensitive fields come back masked.",
            Schema.object(List.of("kind", "name"), "kind", Schema.KIND, "apiVersion", Schema.API_VERSION,
                "namespace", Schema.NAMESPACE, "name", Schema.NAME),
            ReadTools::get),
        runner.tool("pod_logs", "The last lines of a pod's log (masked).",
            Schema.object(List.of("namespace", "name"), "namespace", Schema.NAMESPACE,
                "name", Schema.string("Pod name"),
                "container", Schema.string("Container name; needed when the pod has several"),
                "tailLines", Schema.integer("How many lines from the end (default 100)", 1, 5000)),
            ReadTools::logs));
  }

  private static String listNamespaces(KubernetesClient k8s) {
    StringBuilder out = new StringBuilder();
    for (Namespace ns : k8s.namespaces().list().getItems()) {
      out.append(ns.getMetadata().getName()).append('\n');
    }
    return out.length() == 0 ? "(no namespaces)" : out.toString();
  }

  private static String list(ToolArgs args, KubernetesClient k8s) {
    Resources.Type type = Resources.resolve(k8s, args.kind(), args.optionalApiVersion());
    String namespace = args.optionalNamespace();
    String selector = selector(args);
    int limit = args.integer("limit", 1, 1000, 200);
    if (Boolean.FALSE.equals(type.namespaced()) && namespace != null) {
      throw new ToolInputException(type.kind() + " is cluster-scoped: leave \"namespace\" out");
    }
    var scoped = namespace == null ? type.ops().inAnyNamespace() : type.ops().inNamespace(namespace);
    var filtered = selector == null ? scoped : scoped.withLabelSelector(selector);
    GenericKubernetesResourceList list =
        filtered.list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit((long) limit).build());
    StringBuilder out = new StringBuilder();
    for (GenericKubernetesResource r : list.getItems()) {
      out.append(describe(r)).append('\n');
    }
    return out.length() == 0 ? "(no " + type.kind() + " objects found)" : out.toString();
  }

  private static String selector(ToolArgs args) {
    String s = args.optionalText("labelSelector");
    if (s != null && !SELECTOR.matcher(s).matches()) {
      throw new ToolInputException("\"labelSelector\" must be a label selector such as app=web or tier in (a,b)");
    }
    return s;
  }

  // namespace/name plus the two facts most often asked about: phase and replicas.
  private static String describe(GenericKubernetesResource r) {
    String ns = r.getMetadata().getNamespace();
    StringBuilder line = new StringBuilder(ns == null ? "" : ns + "/").append(r.getMetadata().getName());
    Object status = r.getAdditionalProperties().get("status");
    if (status instanceof Map<?, ?> s && s.get("phase") != null) {
      line.append("  phase=").append(s.get("phase"));
    }
    Object spec = r.getAdditionalProperties().get("spec");
    if (spec instanceof Map<?, ?> s && s.get("replicas") != null) {
      line.append("  replicas=").append(s.get("replicas"));
    }
    return line.toString();
  }

  private static String get(ToolArgs args, KubernetesClient k8s) {
    Resources.Type type = Resources.resolve(k8s, args.kind(), args.optionalApiVersion());
    String namespace = args.optionalNamespace();
    String name = args.name("name");
    GenericKubernetesResource r = type.one(namespace, name).get();
    if (r == null) {
      throw ToolInputException.notFound(type.kind(), namespace, name);
    }
    // Field-manager bookkeeping is noise to an agent.
    r.getMetadata().setManagedFields(null);
    return k8s.getKubernetesSerialization().asYaml(r);
  }

  private static String logs(ToolArgs args, KubernetesClient k8s) {
    String namespace = args.namespace();
    String name = args.name("name");
    String container = args.optionalLabel("container");
    int tail = args.integer("tailLines", 1, 5000, 100);
    PodResource pod = k8s.pods().inNamespace(namespace).withName(name);
    String log = container == null ? pod.tailingLines(tail).getLog() : pod.inContainer(container).tailingLines(tail).getLog();
    return log == null || log.isEmpty() ? "(the log is empty)" : log;
  }
}

package dev.kubeguard.samples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.List;
import java.util.Locale;

/**
 * The tools that change the cluster: server-side apply, patch, scale, delete. Each change is
 * decided by the Guard for the caller; a policy may hold it for approval, in which case the tool
 * error says how to get it approved and the identical retry goes through. Stateless; thread-safe.
 */
final class ChangeTools {
  /** The field manager server-side apply records for changes made through this server. */
  static final String FIELD_MANAGER = "kubeguard-mcp";
  private static final int MAX_MANIFEST_CHARS = 512 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChangeTools() {}

  static List<SyncToolSpecification> all(ToolRunner runner) {
    return List.of(
        runner.tool("apply_manifest",
            "Create or update one object from a YAML or JSON manifest with server-side apply"
                + " (field manager " + FIELD_MANAGER + ").",
            Schema.object(List.of("manifest"),
                "manifest", Schema.string("One object as YAML or JSON, with apiVersion, kind and metadata.name"),
                "namespace", Schema.string("Namespace, when the manifest has none and the kind is namespaced")),
            ChangeTools::apply),
        runner.tool("patch_resource", "Patch one object.",
            Schema.object(List.of("kind", "name", "patch"), "kind", Schema.KIND, "apiVersion", Schema.API_VERSION,
                "namespace", Schema.NAMESPACE, "name", Schema.NAME,
                "patch", Schema.string("The patch document, as JSON text"),
                "type", Schema.oneOf("merge (default, RFC 7386), json (RFC 6902) or strategic", List.of("merge", "json", "strategic"))),
            ChangeTools::patch),
        runner.tool("scale", "Set the replica count of a Deployment, StatefulSet or ReplicaSet.",
            Schema.object(List.of("kind", "namespace", "name", "replicas"), "kind",
                Schema.oneOf("What to scale", List.of("Deployment", "StatefulSet", "ReplicaSet")),
                "namespace", Schema.NAMESPACE, "name", Schema.NAME,
                "replicas", Schema.integer("The new replica count", 0, 1000)),
            ChangeTools::scale),
        runner.tool("delete_resource", "Delete one object. Policy may hold this for a human's approval.",
            Schema.object(List.of("kind", "name"), "kind", Schema.KIND, "apiVersion", Schema.API_VERSION,
                "namespace", Schema.NAMESPACE, "name", Schema.NAME),
            ChangeTools::delete));
  }

  private static String apply(ToolArgs args, KubernetesClient k8s) {
    String text = args.text("manifest", MAX_MANIFEST_CHARS);
    GenericKubernetesResource manifest;
    try {
      manifest = k8s.getKubernetesSerialization().unmarshal(text, GenericKubernetesResource.class);
    } catch (RuntimeException e) {
      throw new ToolInputException("\"manifest\" is not one YAML or JSON object; send exactly one object");
    }
    if (manifest == null || manifest.getApiVersion() == null || manifest.getKind() == null
        || manifest.getMetadata() == null || manifest.getMetadata().getName() == null) {
      throw new ToolInputException("\"manifest\" needs apiVersion, kind and metadata.name");
    }
    Resources.Type type = Resources.resolve(k8s, manifest.getKind(), manifest.getApiVersion());
    String namespace = manifest.getMetadata().getNamespace() != null
        ? manifest.getMetadata().getNamespace() : args.optionalNamespace();
    if (Boolean.FALSE.equals(type.namespaced())) {
      namespace = null;
    }
    String name = manifest.getMetadata().getName();
    if (Boolean.TRUE.equals(type.namespaced()) && namespace == null) {
      throw new ToolInputException("give \"namespace\" or set metadata.namespace in the manifest");
    }
    manifest.getMetadata().setNamespace(namespace);
    // resource(...).serverSideApply() sends the object as is (patch(...) with a string would GET
    // it first and fail on objects that do not exist yet, which apply is meant to create).
    var ops = namespace == null ? type.ops() : type.ops().inNamespace(namespace);
    GenericKubernetesResource applied = ops.resource(manifest).fieldManager(FIELD_MANAGER).serverSideApply();
    return "applied " + type.kind() + " " + where(namespace, name)
        + " (resourceVersion " + applied.getMetadata().getResourceVersion() + ")";
  }

  private static String patch(ToolArgs args, KubernetesClient k8s) throws Exception {
    Resources.Type type = Resources.resolve(k8s, args.kind(), args.optionalApiVersion());
    String namespace = args.optionalNamespace();
    String name = args.name("name");
    String patch = args.text("patch", MAX_MANIFEST_CHARS);
    String kind = args.oneOf("type", List.of("merge", "json", "strategic"), "merge");
    JsonNode doc;
    try {
      doc = JSON.readTree(patch);
    } catch (Exception e) {
      throw new ToolInputException("\"patch\" is not valid JSON");
    }
    if (kind.equals("json") ? !doc.isArray() : !doc.isObject()) {
      throw new ToolInputException("a " + kind + " patch must be a JSON " + (kind.equals("json") ? "array of operations" : "object"));
    }
    PatchType patchType = switch (kind) {
      case "json" -> PatchType.JSON;
      case "strategic" -> PatchType.STRATEGIC_MERGE;
      default -> PatchType.JSON_MERGE;
    };
    GenericKubernetesResource patched = type.one(namespace, name).patch(PatchContext.of(patchType), patch);
    return "patched " + type.kind() + " " + where(namespace, name)
        + " (resourceVersion " + patched.getMetadata().getResourceVersion() + ")";
  }

  private static String scale(ToolArgs args, KubernetesClient k8s) {
    String kind = args.oneOf("kind", List.of("Deployment", "StatefulSet", "ReplicaSet"), null);
    if (kind == null) {
      throw new ToolInputException("\"kind\" is required: Deployment, StatefulSet or ReplicaSet");
    }
    String namespace = args.namespace();
    String name = args.name("name");
    int replicas = args.integer("replicas", 0, 1000, null);
    // Only the replica count is sent, as kubectl scale does: writing back a whole object that was
    // read through the Guard would carry its masked values (and the Guard refuses that).
    String patch = "{\"spec\":{\"replicas\":" + replicas + "}}";
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    var apps = k8s.apps();
    Object scaled;
    try {
      scaled = switch (kind.toLowerCase(Locale.ROOT)) {
        case "statefulset" -> apps.statefulSets().inNamespace(namespace).withName(name).patch(merge, patch);
        case "replicaset" -> apps.replicaSets().inNamespace(namespace).withName(name).patch(merge, patch);
        default -> apps.deployments().inNamespace(namespace).withName(name).patch(merge, patch);
      };
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw ToolInputException.notFound(kind, namespace, name);
      }
      throw e;
    }
    if (scaled == null) {
      throw ToolInputException.notFound(kind, namespace, name);
    }
    return "scaled " + kind + " " + where(namespace, name) + " to " + replicas + " replicas";
  }

  private static String delete(ToolArgs args, KubernetesClient k8s) {
    Resources.Type type = Resources.resolve(k8s, args.kind(), args.optionalApiVersion());
    String namespace = args.optionalNamespace();
    String name = args.name("name");
    List<StatusDetails> deleted = type.one(namespace, name).delete();
    if (deleted.isEmpty()) {
      throw ToolInputException.notFound(type.kind(), namespace, name);
    }
    return "deleted " + type.kind() + " " + where(namespace, name);
  }

  private static String where(String namespace, String name) {
    return namespace == null ? name : namespace + "/" + name;
  }
}

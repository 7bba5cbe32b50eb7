package dev.kubeguard.samples.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the JSON Schemas tools advertise as their input. Stateless. */
final class Schema {
  private Schema() {}

  /** An object schema with {@code properties} (name, schema pairs) and the {@code required} names. */
  static Map<String, Object> object(List<String> required, Object... properties) {
    Map<String, Object> props = new LinkedHashMap<>();
    for (int i = 0; i < properties.length; i += 2) {
      props.put((String) properties[i], properties[i + 1]);
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", props);
    schema.put("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }

  static Map<String, Object> string(String description) {
    return Map.of("type", "string", "description", description);
  }

  static Map<String, Object> integer(String description, int min, int max) {
    return Map.of("type", "integer", "description", description, "minimum", min, "maximum", max);
  }

  static Map<String, Object> strings(String description) {
    return Map.of("type", "array", "items", Map.of("type", "string"), "description", description, "minItems", 1);
  }

  static Map<String, Object> oneOf(String description, List<String> values) {
    return Map.of("type", "string", "enum", values, "description", description);
  }

  static final Map<String, Object> KIND =
      string("Resource kind, plural or short name: Pod, Secret, ConfigMap, Deployment, deploy, svc...");
  static final Map<String, Object> API_VERSION =
      string("Only for kinds not built in (e.g. custom resources): apiVersion such as example.com/v1");
  static final Map<String, Object> NAMESPACE = string("Namespace (list_namespaces shows them)");
  static final Map<String, Object> NAME = string("Object name");
}

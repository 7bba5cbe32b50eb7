package dev.kubeguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.testkit.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A SecretList of any length built from the real kube-apiserver capture {@code secret-list.json}
 * (three Secrets: an Opaque one with tokens, one written by {@code kubectl apply} with its
 * {@code last-applied-configuration}, and a TLS key pair): its items repeated in turn, each copy
 * with its own name, uid and resourceVersion, written compact as kube-apiserver sends it. The
 * values are the captured ones, so the masker does the work it does on the capture, once per
 * copy. Stateless; failures to read the capture are unchecked (a broken build, not a run).
 */
final class SecretLists {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** A SecretList of {@code count} Secrets, compact JSON. */
  static byte[] ofCaptured(int count) {
    try {
      JsonNode captured = JSON.readTree(Fixtures.bytes("secret-list.json"));
      ArrayNode items = (ArrayNode) captured.get("items");
      ObjectNode list = ((ObjectNode) captured).deepCopy();
      ArrayNode out = list.putArray("items");
      for (int i = 0; i < count; i++) {
        ObjectNode item = items.get(i % items.size()).deepCopy();
        ObjectNode meta = (ObjectNode) item.get("metadata");
        String name = meta.get("name").asText();
        String copy = name + "-" + i;
        meta.put("name", copy);
        String uid = meta.get("uid").asText();
        meta.put("uid", uid.substring(0, uid.length() - 12) + String.format("%012x", i));
        meta.put("resourceVersion", Integer.toString(1000 + i));
        JsonNode annotations = meta.get("annotations");
        if (annotations != null && annotations.has(LAST_APPLIED)) {
          // kubectl wrote the object's own name into it: keep the copy self-consistent.
          ((ObjectNode) annotations).put(LAST_APPLIED,
              annotations.get(LAST_APPLIED).asText().replace("\"name\":\"" + name + "\"", "\"name\":\"" + copy + "\""));
        }
        out.add(item);
      }
      ((ObjectNode) list.get("metadata")).put("resourceVersion", Integer.toString(1000 + count));
      return JSON.writeValueAsBytes(list);
    } catch (IOException e) {
      throw new UncheckedIOException("secret-list.json is not the capture it should be", e);
    }
  }

  private SecretLists() {}
}

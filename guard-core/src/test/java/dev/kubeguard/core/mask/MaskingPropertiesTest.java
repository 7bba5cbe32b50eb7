package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Generated Secrets, ConfigMaps, Pods and Deployments, with random key order, in every response
 * shape, cut at random chunk boundaries: no planted secret survives and everything else
 * round-trips.
 */
class MaskingPropertiesTest {

  static final DefaultMasker MASKER = Masking.masker();
  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final ObjectMapper SORTED = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  static final String[] KINDS = {"Secret", "ConfigMap", "Pod", "Deployment"};
  static final String[] SHAPES = {"single", "list", "watch", "table", "table-includeObject", "apply-response"};
  static final String[] SENSITIVE = {"DB_PASSWORD", "API_TOKEN", "client-secret", "STRIPE_KEY", "apiKey", "tls.key"};
  static final String[] PLAIN = {"LOG_LEVEL", "MODE", "REGION", "app.conf", "PORT", "feature-flags"};

  @Test
  void leaksNoPlantedSecretAndRoundTripsEverythingElse() {
    qt().withExamples(150)
        .forAll(longs().all(), integers().between(0, KINDS.length - 1), integers().between(0, SHAPES.length - 1))
        .checkAssert((seed, kind, shape) -> check(seed, KINDS[kind], SHAPES[shape]));
  }

  private void check(long seed, String kind, String shape) {
    try {
      Random r = new Random(seed);
      Set<String> secrets = new HashSet<>();
      List<ObjectNode> objects = new ArrayList<>();
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        objects.add(object(kind, r, secrets, !shape.equals("list")));
      }
      String body = body(shape, kind, objects, r);
      String ct = shape.equals("watch") ? "application/json;stream=watch"
          : shape.startsWith("table") ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      Masking.Result whole = Masking.mask(MASKER, "default", ct, bytes);
      Masking.Result cut = Masking.mask(MASKER, "default", ct, bytes, r);
      assertThat(cut.body()).as("same output whatever the chunking").isEqualTo(whole.body());
      String out = whole.text();
      MaskedOutput.assertNoLeak(out, new ArrayList<>(secrets), List.of());
      List<JsonNode> in = MaskedOutput.roots(body);
      List<JsonNode> masked = MaskedOutput.roots(out);
      assertThat(masked).hasSameSizeAs(in);
      for (int i = 0; i < in.size(); i++) {
        MaskedOutput.assertRoundTrip(in.get(i), masked.get(i), v -> isSecret(v, secrets), shape + "/" + kind);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static boolean isSecret(JsonNode v, Set<String> secrets) {
    if (!v.isTextual()) {
      return false;
    }
    if (secrets.contains(v.asText())) {
      return true;
    }
    try {
      return secrets.contains(new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // ---- generation

  private static String word(Random r) {
    return PlainWords.word(r, 3, 10);
  }

  private static String secret(Random r, Set<String> secrets) {
    String s = "Zq" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + "!x";
    secrets.add(s);
    return s;
  }

  private static String pick(String[] a, Random r) {
    return a[r.nextInt(a.length)];
  }

  private static ObjectNode object(String kind, Random r, Set<String> secrets, boolean withKind) throws Exception {
    ObjectNode o = F.objectNode();
    if (withKind) {
      o.put("kind", kind);
      o.put("apiVersion", kind.equals("Deployment") ? "apps/v1" : "v1");
    }
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", word(r));
    meta.put("namespace", "shop");
    meta.putObject("labels").put("app", word(r));
    if (r.nextBoolean()) {
      meta.putArray("managedFields").addObject().put("manager", "kubectl").putObject("fieldsV1").putObject("f:data");
    }
    switch (kind) {
      case "Secret" -> {
        ObjectNode data = o.putObject("data");
        ObjectNode applied = F.objectNode();
        for (int i = 0; i < 1 + r.nextInt(3); i++) {
          String k = word(r);
          String s = secret(r, secrets);
          data.put(k, Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
          applied.put(k, s);
        }
        o.put("type", "Opaque");
        if (r.nextBoolean()) {
          lastApplied(meta, Map.of("apiVersion", "v1", "kind", "Secret", "stringData", applied, "type", "Opaque"));
        }
      }
      case "ConfigMap" -> {
        ObjectNode data = o.putObject("data");
        data.put(pick(PLAIN, r), word(r));
        data.put(pick(SENSITIVE, r), secret(r, secrets));
        if (r.nextBoolean()) {
          lastApplied(meta, Map.of("apiVersion", "v1", "kind", "ConfigMap", "data", data.deepCopy()));
        }
      }
      case "Pod" -> o.set("spec", podSpec(r, secrets));
      default -> {
        ObjectNode spec = o.putObject("spec");
        spec.put("replicas", r.nextInt(5));
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", word(r));
        template.set("spec", podSpec(r, secrets));
        if (r.nextBoolean()) {
          lastApplied(meta, Map.of("apiVersion", "apps/v1", "kind", "Deployment", "spec", spec.deepCopy()));
        }
      }
    }
    return shuffle(o, r);
  }

  private static ObjectNode podSpec(Random r, Set<String> secrets) {
    ObjectNode spec = F.objectNode();
    for (String list : new String[] {"containers", "initContainers"}) {
      if (list.equals("initContainers") && r.nextBoolean()) {
        continue;
      }
      ArrayNode cs = spec.putArray(list);
      ObjectNode c = cs.addObject();
      c.put("name", word(r));
      c.put("image", word(r) + ":1." + r.nextInt(30));
      ArrayNode env = c.putArray("env");
      env.addObject().put("name", pick(SENSITIVE, r).toUpperCase().replace('.', '_').replace('-', '_')).put("value", secret(r, secrets));
      env.addObject().put("name", pick(PLAIN, r).toUpperCase().replace('.', '_').replace('-', '_')).put("value", word(r));
      env.addObject().put("name", "API_TOKEN").putObject("valueFrom").putObject("secretKeyRef").put("name", word(r)).put("key", "token");
    }
    return spec;
  }

  private static void lastApplied(ObjectNode meta, Map<String, Object> applied) throws Exception {
    Object asMap = SORTED.convertValue(applied, Object.class);
    meta.putObject("annotations").put("kubectl.kubernetes.io/last-applied-configuration", SORTED.writeValueAsString(asMap) + "\n");
  }

  /** The same object with every object's keys in a random order. */
  private static ObjectNode shuffle(ObjectNode o, Random r) {
    List<String> keys = new ArrayList<>();
    o.fieldNames().forEachRemaining(keys::add);
    Collections.shuffle(keys, r);
    ObjectNode out = F.objectNode();
    for (String k : keys) {
      out.set(k, shuffleAny(o.get(k), r));
    }
    return out;
  }

  private static JsonNode shuffleAny(JsonNode n, Random r) {
    if (n.isObject()) {
      return shuffle((ObjectNode) n, r);
    }
    if (n.isArray()) {
      ArrayNode a = F.arrayNode();
      for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
        a.add(shuffleAny(it.next(), r));
      }
      return a;
    }
    return n;
  }

  private static String body(String shape, String kind, List<ObjectNode> objects, Random r) {
    switch (shape) {
      case "list" -> {
        ObjectNode list = F.objectNode();
        list.put("kind", kind + "List"); // first: items carry no kind of their own, as the apiserver sends them
        list.put("apiVersion", "v1");
        list.putObject("metadata").put("resourceVersion", "1");
        list.putArray("items").addAll(objects);
        return list.toString();
      }
      case "watch" -> {
        StringBuilder sb = new StringBuilder();
        for (ObjectNode o : objects) {
          ObjectNode e = F.objectNode();
          e.put("type", pick(new String[] {"ADDED", "MODIFIED", "DELETED"}, r));
          e.set("object", o);
          sb.append(shuffle(e, r)).append('\n');
        }
        return sb.toString();
      }
      case "table", "table-includeObject" -> {
        ObjectNode t = F.objectNode();
        t.put("kind", "Table");
        t.put("apiVersion", "meta.k8s.io/v1");
        t.putArray("columnDefinitions").addObject().put("name", "Name").put("type", "string");
        ArrayNode rows = t.putArray("rows");
        for (ObjectNode o : objects) {
          ObjectNode row = rows.addObject();
          row.putArray("cells").add(o.path("metadata").path("name").asText()).add(r.nextInt(9)).add("5m");
          if (shape.equals("table")) {
            ObjectNode partial = row.putObject("object");
            partial.put("kind", "PartialObjectMetadata");
            partial.put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", o.get("metadata"));
          } else {
            row.set("object", o);
          }
        }
        return shuffle(t, r).toString();
      }
      default -> {
        return objects.get(0).toString();
      }
    }
  }
}

package dev.kubeguard.core.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Splits a policy source into documents: multi-document YAML ({@code ---}), or JSON (one or more
 * root objects). Builds each tree itself from the token stream so it can remember the line of
 * every value and reject duplicate keys, which a plain {@code readTree} would silently merge.
 * Empty YAML documents are skipped, as kubectl does. Stateless and thread-safe.
 */
final class DocumentReader {

  private static final JsonFactory JSON = JsonFactory.builder().build();
  /** Above SnakeYAML's 3 MB default: a cluster's full RBAC dump with managedFields is larger. */
  private static final int MAX_YAML_CHARS = 64 * 1024 * 1024;

  private static final YAMLFactory YAML = YAMLFactory.builder().loaderOptions(loaderOptions()).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int[] NO_LINES = new int[0];

  private DocumentReader() {}

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(MAX_YAML_CHARS);
    return o;
  }

  /**
   * Where a value is, for the errors of this reader: a path is only rendered when one is thrown
   * (rendering one per value was a large share of loading a big policy).
   */
  private record Place(Place parent, String name, int index) {
    static String render(Place p) {
      if (p == null) {
        return "";
      }
      String up = render(p.parent);
      return p.name != null ? (up.isEmpty() ? p.name : up + "." + p.name) : up + "[" + p.index + "]";
    }
  }

  /** The non-empty documents of {@code text}, in order. */
  public static List<PolicyDocument> read(String source, String text) throws PolicyLoadException {
    JsonFactory factory = looksLikeJson(text) ? JSON : YAML;
    List<PolicyDocument> docs = new ArrayList<>();
    int number = 0;
    try (JsonParser p = factory.createParser(text)) {
      while (p.nextToken() != null) {
        number++;
        Map<JsonNode, int[]> lines = new IdentityHashMap<>();
        int rootLine = p.currentTokenLocation().getLineNr();
        JsonNode root = value(p, null, lines, source, number);
        if (!root.isNull() && !root.isMissingNode()) {
          docs.add(new PolicyDocument(source, number, root, rootLine, lines));
        }
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new PolicyLoadException(
          source, Math.max(number, 1), "", line,
          "not valid " + (factory == JSON ? "JSON" : "YAML") + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PolicyLoadException(source, 0, "", 0, "could not be read: " + e.getMessage(), e);
    }
    return docs;
  }

  private static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' || c == '[';
      }
    }
    return false;
  }

  /** Reads the value at the current token; an object's field has the line of its key, a list's item its own. */
  private static JsonNode value(
      JsonParser p, Place place, Map<JsonNode, int[]> lines, String source, int number)
      throws IOException, PolicyLoadException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        int[] keyLines = NO_LINES;
        int n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          int keyLine = p.currentTokenLocation().getLineNr();
          if (o.has(name)) {
            throw new PolicyLoadException(
                source, number, Place.render(new Place(place, name, -1)), keyLine, "duplicate key '" + name + "'");
          }
          keyLines = append(keyLines, n++, keyLine);
          p.nextToken();
          o.set(name, value(p, new Place(place, name, -1), lines, source, number));
        }
        lines.put(o, trim(keyLines, n));
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        int[] itemLines = NO_LINES;
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          itemLines = append(itemLines, i, p.currentTokenLocation().getLineNr());
          a.add(value(p, new Place(place, null, i++), lines, source, number));
        }
        lines.put(a, trim(itemLines, i));
        return a;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return NODES.numberNode(p.getBigIntegerValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDecimalValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> throw new PolicyLoadException(
          source, number, Place.render(place), p.currentTokenLocation().getLineNr(), "unexpected " + t);
    }
  }

  private static int[] append(int[] a, int n, int v) {
    int[] out = n < a.length ? a : Arrays.copyOf(a, Math.max(4, n * 2));
    out[n] = v;
    return out;
  }

  private static int[] trim(int[] a, int n) {
    return n == a.length ? a : Arrays.copyOf(a, n);
  }
}

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
import java.util.HashMap;
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

  private DocumentReader() {}

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(MAX_YAML_CHARS);
    return o;
  }

  /** The non-empty documents of {@code text}, in order. */
  public static List<PolicyDocument> read(String source, String text) throws PolicyLoadException {
    JsonFactory factory = looksLikeJson(text) ? JSON : YAML;
    List<PolicyDocument> docs = new ArrayList<>();
    int number = 0;
    try (JsonParser p = factory.createParser(text)) {
      while (p.nextToken() != null) {
        number++;
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root = value(p, "", lines, source, number);
        if (!root.isNull() && !root.isMissingNode()) {
          docs.add(new PolicyDocument(source, number, root, lines));
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

  private static JsonNode value(
      JsonParser p, String path, Map<String, Integer> lines, String source, int number)
      throws IOException, PolicyLoadException {
    int line = p.currentTokenLocation().getLineNr();
    lines.putIfAbsent(path, line);
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          int keyLine = p.currentTokenLocation().getLineNr();
          if (o.has(name)) {
            throw new PolicyLoadException(source, number, child, keyLine, "duplicate key '" + name + "'");
          }
          lines.put(child, keyLine);
          p.nextToken();
          o.set(name, value(p, child, lines, source, number));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(value(p, path + "[" + i++ + "]", lines, source, number));
        }
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
      default -> throw new PolicyLoadException(source, number, path, line, "unexpected " + t);
    }
  }
}

package dev.kubeguard.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Map;

/**
 * One YAML or JSON document of a policy source, with the line each value started on so errors
 * can point at it. Immutable.
 *
 * <p>Lines are kept per object and list of the tree, by identity, rather than per path string:
 * building and hashing a path for every value was a sixth of loading a large policy, and only
 * errors ever ask for a line.
 *
 * @param source the file or source name
 * @param number 1-based position of the document in its source
 * @param root the document's tree
 * @param rootLine 1-based line the document's root value started on
 * @param lines for each object of the tree, the 1-based line of each of its keys, in field order;
 *     for each list, the line each of its items started on (keyed by identity; handed over by
 *     {@link DocumentReader}, which no longer touches it)
 */
record PolicyDocument(
    String source, int number, JsonNode root, int rootLine, Map<JsonNode, int[]> lines) {

  public PolicyDocument {
    lines = Collections.unmodifiableMap(lines);
  }

  /** The document's root as a cursor for reading with located errors. */
  public Node node() {
    return new Node(this, root);
  }

  /** The lines of an object's keys or a list's items, or {@code null} for any other value. */
  int[] linesOf(JsonNode container) {
    return lines.get(container);
  }
}

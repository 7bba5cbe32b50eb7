package dev.kubeguard.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Map;

/**
 * One YAML or JSON document of a policy source, with the line each value started on so errors
 * can point at it. Immutable.
 *
 * @param source the file or source name
 * @param number 1-based position of the document in its source
 * @param root the document's tree
 * @param lines 1-based line of each value, keyed by its path ({@code spec.rules[0].effect})
 */
record PolicyDocument(String source, int number, JsonNode root, Map<String, Integer> lines) {

  public PolicyDocument {
    // DocumentReader hands over a map it no longer touches; copying it (one entry per value of
    // the document) was a tenth of loading a large policy, so it is only wrapped.
    lines = Collections.unmodifiableMap(lines);
  }

  /** The document's root as a cursor for reading with located errors. */
  public Node node() {
    return new Node(this, root);
  }

  int lineOf(String path) {
    String p = path;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      if (p.isEmpty()) {
        return 0;
      }
      // A missing field is reported at its parent.
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
  }
}

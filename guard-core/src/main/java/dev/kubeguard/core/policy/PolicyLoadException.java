package dev.kubeguard.core.policy;

import java.util.Objects;

/**
 * A policy source could not be loaded: it is not valid YAML or JSON, names an unknown kind or
 * field, has a value of the wrong type, or breaks a rule of the schema (a bad glob, an
 * {@code approve} rule without an approval requirement, a duplicate rule name, a binding to a
 * role that was not loaded).
 *
 * <p>The message always says which source, where in it, and what is wrong, for example:
 *
 * <pre>
 * policies/shop.yaml: document 2, spec.rules[3].match.verbs (line 27): verbs must not be empty
 * </pre>
 *
 * Documents are counted from 1 in the order they appear in the source (items of a {@code v1
 * List} keep their list's document number and show {@code items[i]} in the path). Nothing is
 * loaded when this is thrown: a policy is all or nothing.
 */
public final class PolicyLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int document;
  private final String path;
  private final int line;
  private final String problem;

  /**
   * @param source the file or source name
   * @param document the 1-based document number, or 0 when the problem concerns the whole source
   * @param path a JSON-path-like place inside the document ({@code spec.rules[0].effect}), or
   *     {@code ""}
   * @param line the 1-based line, or 0 when unknown
   * @param problem what is wrong, phrased so the reader knows what to fix
   */
  public PolicyLoadException(String source, int document, String path, int line, String problem) {
    this(source, document, path, line, problem, null);
  }

  public PolicyLoadException(
      String source, int document, String path, int line, String problem, Throwable cause) {
    super(format(source, document, path, line, problem), cause);
    this.source = Objects.requireNonNullElse(source, "");
    this.document = document;
    this.path = Objects.requireNonNullElse(path, "");
    this.line = line;
    this.problem = Objects.requireNonNullElse(problem, "");
  }

  private static String format(String source, int document, String path, int line, String problem) {
    StringBuilder b = new StringBuilder(source == null || source.isEmpty() ? "<policy>" : source);
    if (document > 0) {
      b.append(": document ").append(document);
    }
    if (path != null && !path.isEmpty()) {
      b.append(document > 0 ? ", " : ": ").append(path);
    }
    if (line > 0) {
      b.append(" (line ").append(line).append(')');
    }
    return b.append(": ").append(problem).toString();
  }

  /** The file or source name. */
  public String source() {
    return source;
  }

  /** The 1-based document number, or 0 when the problem concerns the whole source. */
  public int document() {
    return document;
  }

  /** Where in the document ({@code spec.rules[3].match.verbs}), or {@code ""}. */
  public String path() {
    return path;
  }

  /** The 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** What is wrong, without the place. */
  public String problem() {
    return problem;
  }
}

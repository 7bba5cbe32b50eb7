package dev.kubeguard.samples.mcp;

/**
 * Something the agent must change before calling again (an invalid argument, an object that is
 * not there), in words meant for the agent. Thrown before or instead of a Kubernetes change.
 */
final class ToolInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean invalidArgument;

  /** An invalid argument; the message says which and what a valid value looks like. */
  ToolInputException(String message) {
    this(message, true);
  }

  private ToolInputException(String message, boolean invalidArgument) {
    super(message, null, false, false);
    this.invalidArgument = invalidArgument;
  }

  /** Valid arguments naming an object that does not exist. */
  static ToolInputException notFound(String kind, String namespace, String name) {
    return new ToolInputException(
        kind + " \"" + name + "\" not found" + (namespace == null ? "" : " in namespace " + namespace)
            + ": list_resources shows what exists", false);
  }

  /** Whether the arguments themselves were wrong (else: right, but nothing to act on). */
  boolean invalidArgument() {
    return invalidArgument;
  }
}

package dev.kubeguard.api;


/** How much of a request the audit trail keeps, as in {@code audit.k8s.io/v1} policies. */
public enum AuditLevel {
  /** Nothing is recorded. */
  NONE("None"),
  /** Who, what, when and the outcome; no bodies. */
  METADATA("Metadata"),
  /** Metadata plus the (masked) request body. */
  REQUEST("Request"),
  /** Metadata plus the (masked) request and response bodies. */
  REQUEST_RESPONSE("RequestResponse");

  private final String wireName;

  AuditLevel(String wireName) {
    this.wireName = wireName;
  }

  /** The name Kubernetes audit policies and events use ({@code RequestResponse}). */
  public String wireName() {
    return wireName;
  }

  public boolean includesRequest() {
    return this == REQUEST || this == REQUEST_RESPONSE;
  }

  public boolean includesResponse() {
    return this == REQUEST_RESPONSE;
  }

  /**
   * Parses Kubernetes' name ({@code RequestResponse}), case-insensitively.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static AuditLevel parse(String name) {
    for (AuditLevel l : values()) {
      if (l.wireName.equalsIgnoreCase(name) || l.name().equalsIgnoreCase(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "unknown audit level '" + name + "': use None, Metadata, Request or RequestResponse");
  }

  @Override
  public String toString() {
    return wireName;
  }
}

package dev.kubeguard.core.audit;

import dev.kubeguard.api.AuditEvent;
import java.nio.charset.StandardCharsets;

/**
 * Converts {@link AuditEvent}s to and from JSON in exactly the {@code audit.k8s.io/v1 Event}
 * shape kube-apiserver writes: {@code kind}/{@code apiVersion} first, fields in the Go struct's
 * order, empty optional fields omitted as {@code omitempty} does, timestamps as
 * {@code metav1.MicroTime} ({@code 2024-01-01T00:00:00.000000Z}), annotations sorted.
 *
 * <p>{@code requestObject}/{@code responseObject} are embedded as raw JSON when they hold one valid
 * JSON value, else as a JSON string (and read back as that string's text). {@link
 * dev.kubeguard.api.Identity#issuer()} has no place in a Kubernetes {@code UserInfo} and is not
 * written; instants are kept to the microsecond. Stateless and thread-safe.
 */
public final class AuditEventJson {

  private AuditEventJson() {}

  /** One line of compact JSON, no trailing newline. */
  public static String toJson(AuditEvent event) {
    return new String(EventJsonWriter.write(event), StandardCharsets.UTF_8);
  }

  /** The same as UTF-8 bytes. */
  public static byte[] toJsonBytes(AuditEvent event) {
    return EventJsonWriter.write(event);
  }

  /**
   * Reads an {@code audit.k8s.io/v1 Event}, from KubeGuard or from a cluster's audit log.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  public static AuditEvent fromJson(String json) {
    return EventJsonReader.read(json);
  }
}

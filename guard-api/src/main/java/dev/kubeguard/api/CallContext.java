package dev.kubeguard.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Why a request is made: the MCP tool and session on whose behalf it runs, a correlation id that
 * ties it to the caller's own logs, and when it was made. Every field but {@code time} may be
 * {@code ""}. Immutable and thread-safe.
 *
 * @param tool the MCP tool (or other operation) name
 * @param sessionId the MCP session id
 * @param correlationId the caller's correlation id
 * @param time when the request was made
 */
public record CallContext(String tool, String sessionId, String correlationId, Instant time) {

  public CallContext {
    tool = RequestInfo.nz(tool);
    sessionId = RequestInfo.nz(sessionId);
    correlationId = RequestInfo.nz(correlationId);
    Objects.requireNonNull(time, "time");
  }

  /** No tool, no session, made now. */
  public static CallContext now() {
    return new CallContext("", "", "", Instant.now());
  }

  /** Made now on behalf of {@code tool} in {@code sessionId}. */
  public static CallContext forTool(String tool, String sessionId) {
    return new CallContext(tool, sessionId, "", Instant.now());
  }
}

package dev.kubeguard.e2e.support;

/**
 * One guarded client sending a raw {@code GET} of a path exactly as given, for the differential
 * property. Implementations are not thread-safe; one probe per test.
 */
public interface Probe {

  /** What the caller saw: the status and body, the Guard's denial included. */
  record Answer(int status, String body) {}

  /** Sends {@code GET pathAndQuery} (origin form) for the prober. */
  Answer get(String pathAndQuery) throws Exception;
}

package dev.kubeguard.api.spi;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Decision;

/**
 * Decides one authorization question.
 *
 * <p><b>Threading:</b> called concurrently from any thread, including HTTP client I/O threads;
 * implementations must be thread-safe. <b>Blocking:</b> should answer in microseconds; an engine
 * that calls out (OPA) must bound its own wait and treat the timeout as a denial.
 * <b>Failure:</b> the Guard turns anything thrown (an {@link Error} too, bar the JVM's own fatal
 * errors), a {@code null} result, and no answer within its policy timeout into a denial; an
 * engine need not catch its own errors to be safe, but a {@link PolicyException} with a clear
 * message gives the operator a better denial reason.
 */
@FunctionalInterface
public interface PolicyEngine {

  /**
   * Decides {@code request.attributes()} for {@code request.identity()}. Must return
   * {@link Decision#deny(String)} when nothing matches, never an allow by default.
   */
  Decision decide(AccessRequest request) throws PolicyException;
}

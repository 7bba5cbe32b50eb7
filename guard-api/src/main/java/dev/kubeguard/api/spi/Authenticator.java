package dev.kubeguard.api.spi;

import dev.kubeguard.api.Identity;

/**
 * Turns a bearer credential into a verified {@link Identity}.
 *
 * <p><b>Threading:</b> thread-safe, called concurrently. <b>Blocking:</b> may block briefly to
 * fetch keys (bounded by its own timeouts). <b>Failure:</b> anything it cannot verify is an
 * {@link AuthenticationException}; never returns {@code null} and never an unverified identity.
 */
@FunctionalInterface
public interface Authenticator {

  /** Verifies {@code bearerToken} (without the {@code Bearer } prefix). */
  Identity authenticate(String bearerToken) throws AuthenticationException;
}

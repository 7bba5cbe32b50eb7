package dev.kubeguard.core.oidc;

import java.net.URI;
import java.util.Locale;

/**
 * Where an OIDC party may be reached: https anywhere, plain http only on loopback (so tests can
 * run a local issuer without a certificate). The one rule for issuers, their keys and endpoints,
 * and the approval page's sign-in. Stateless and thread-safe.
 */
public final class WebUris {
  private WebUris() {}

  /** Throws {@link IllegalArgumentException} naming {@code what} unless {@code uri} qualifies. */
  public static void requireSecure(URI uri, String what) {
    if (!uri.isAbsolute() || uri.getHost() == null) {
      throw new IllegalArgumentException(what + " " + uri + " must be an absolute https URL");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    boolean loopback =
        host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw new IllegalArgumentException(
          what + " " + uri + " must use https (plain http is only accepted on loopback, for tests)");
    }
  }
}

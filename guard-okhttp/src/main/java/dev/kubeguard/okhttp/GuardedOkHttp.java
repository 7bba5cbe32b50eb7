package dev.kubeguard.okhttp;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import java.util.Objects;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * Derives guarded clients from an application's {@link OkHttpClient}: one derived client per
 * identity, each sharing the base client's connection pool, dispatcher and TLS setup, so deriving
 * one per caller (per MCP session, say) is cheap. Since the identity is fixed in the derived
 * client's interceptor, concurrent callers on different derived clients cannot see each other's
 * identity.
 *
 * <p>Derived clients do not follow redirects: OkHttp follows them below application interceptors,
 * so a redirected request would reach a server without being judged. kube-apiserver does not
 * redirect API calls; a redirect reaches the caller as the 3xx response it is.
 *
 * <p>Stateless and thread-safe. The methods throw {@link IllegalArgumentException} for a base
 * client that already carries a {@link GuardInterceptor} (guarding twice would judge each request
 * for two identities).
 */
public final class GuardedOkHttp {

  /** A client whose every call is judged by {@code guard} as made by {@code identity}. */
  public static OkHttpClient forIdentity(OkHttpClient base, Guard guard, Identity identity) {
    Objects.requireNonNull(identity, "identity");
    return with(base, GuardInterceptor.builder(guard).identity(identity).build());
  }

  /**
   * A client whose every call is judged by {@code guard} as made by {@code identity}, with
   * {@code context} supplying the MCP tool and session each call is made for.
   */
  public static OkHttpClient forIdentity(OkHttpClient base, Guard guard, Identity identity, Supplier<CallContext> context) {
    Objects.requireNonNull(identity, "identity");
    return with(base, GuardInterceptor.builder(guard).identity(identity).callContext(context).build());
  }

  /** A client derived from {@code base} with {@code interceptor} as its last application interceptor. */
  public static OkHttpClient with(OkHttpClient base, GuardInterceptor interceptor) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(interceptor, "interceptor");
    if (base.interceptors().stream().anyMatch(i -> i instanceof GuardInterceptor)
        || base.networkInterceptors().stream().anyMatch(i -> i instanceof GuardInterceptor)) {
      throw new IllegalArgumentException("the base client already carries a GuardInterceptor: derive from the unguarded client");
    }
    // Last, so it judges the request as the application's own interceptors left it.
    return base.newBuilder()
        .addInterceptor(interceptor)
        .followRedirects(false)
        .followSslRedirects(false)
        .build();
  }

  private GuardedOkHttp() {}
}

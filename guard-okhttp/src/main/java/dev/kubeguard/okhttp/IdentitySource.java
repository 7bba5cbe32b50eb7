package dev.kubeguard.okhttp;

import dev.kubeguard.api.Identity;
import okhttp3.Request;

/**
 * Finds the identity a request is made for, when it is not fixed per client: from a thread-bound
 * context, a request tag of the application's own type, or a verified token the application
 * carries.
 *
 * <p><b>Threading:</b> called on the thread that runs the call's interceptors (the caller's thread
 * for {@code execute()}, an OkHttp dispatcher thread for {@code enqueue()}), concurrently for
 * concurrent calls; implementations must be thread-safe and must not rely on the caller's
 * thread-locals for asynchronous calls. <b>Failure:</b> returning {@code null} means "no identity
 * here" (the interceptor's service identity, if any, applies); throwing denies the call.
 */
@FunctionalInterface
public interface IdentitySource {

  /** The verified identity {@code request} is made for, or {@code null} when none is known. */
  Identity identityFor(Request request) throws Exception;
}

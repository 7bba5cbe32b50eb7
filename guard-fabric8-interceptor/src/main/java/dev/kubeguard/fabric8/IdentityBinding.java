package dev.kubeguard.fabric8;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import java.time.Instant;
import java.util.Objects;

/**
 * The identity (and call context) every request of one fabric8 HTTP client is made for. It
 * travels as a tag of the client's {@code HttpClient}: fabric8 copies every tag into each client
 * it derives ({@code inNamespace}, write contexts, {@code withRequestConfig}, informers), so the
 * binding follows the client object, never a thread. Immutable and thread-safe.
 *
 * @param identity who the requests are made for
 * @param context the tool, session and correlation id to report (its time is replaced per request)
 */
record IdentityBinding(Identity identity, CallContext context) {

  IdentityBinding {
    Objects.requireNonNull(identity, "identity");
    context = context == null ? CallContext.now() : context;
  }

  /** The context of one request made now. */
  CallContext contextNow() {
    return new CallContext(context.tool(), context.sessionId(), context.correlationId(), Instant.now());
  }
}

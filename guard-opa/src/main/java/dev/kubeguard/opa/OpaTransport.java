package dev.kubeguard.opa;

import java.io.IOException;

/**
 * Carries one request to OPA's REST Data API and returns its answer. The default, used when none
 * is configured, is a {@code java.net.http.HttpClient} (HTTP/1.1, no redirects, one client per
 * engine). An application that already uses the official OPA Java SDK or its own HTTP stack plugs
 * it in with one lambda:
 *
 * <pre>{@code
 * OpaTransport viaMyClient = req -> {
 *   MyHttp.Response r = myHttp.post(req.uri(), req.headers(), req.body(), req.timeout());
 *   return new OpaResponse(r.status(), r.bodyBytes());
 * };
 * }</pre>
 *
 * <p><b>Threading:</b> called concurrently from any thread; implementations must be thread-safe.
 * <b>Blocking:</b> must return or throw within {@link OpaRequest#timeout()}; the engine also
 * denies any answer that arrives later than that, so a transport that overruns only wastes time.
 * <b>Failure:</b> throw {@link IOException} (a {@link java.net.http.HttpTimeoutException} for a
 * timeout) when no HTTP answer was received; return non-200 answers as they are. Every failure,
 * including a {@link RuntimeException}, becomes a denial naming the cause.
 */
@FunctionalInterface
public interface OpaTransport {

  /** Sends {@code request} and returns OPA's answer, whatever its status. */
  OpaResponse post(OpaRequest request) throws IOException;
}

package dev.kubeguard.fabric8.internal;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.AcceptHeaders;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.Verdict;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketUpgradeResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fabric8 {@link Interceptor} that puts every request of a client before the {@link Guard}.
 *
 * <p>{@code before} judges the request for the identity bound to the client (the
 * {@link IdentityBinding} tag of its {@code HttpClient}, else the configured service identity,
 * else none: a denial). A denial is thrown from {@code before} as fabric8's own 403
 * {@code KubernetesClientException}: it reaches the caller and nothing is sent. An allowed request
 * carries {@code Audit-ID}, asks only for JSON when its response is masked, and its body consumer
 * is wrapped in a {@link MaskingConsumer}.
 *
 * <p>WebSocket requests never show their frames to interceptors: an exec, attach or port-forward
 * handshake is judged (as {@code create}) and then passes, its verdict handed to the
 * {@link SessionEnd} tag of the client, which records the session's end; any other WebSocket (a
 * watch when HTTP watches were turned off) is refused unless its masking profile is {@code none}.
 *
 * <p><b>Threading:</b> shared by every request of a client and its derived clients; fabric8 may call
 * it from I/O threads, and again on every retry. <b>Blocking:</b> {@code before} blocks while the
 * Guard waits for a blocking approval.
 */
public final class GuardInterceptor implements Interceptor {

  /** The name it is registered under. */
  public static final String NAME = "KUBEGUARD";

  private static final String AUDIT_ID = "Audit-ID";
  private static final Set<String> STREAM_SUBRESOURCES = Set.of("exec", "attach", "portforward");

  private final Guard guard;
  private final IdentityBinding serviceIdentity;
  private final int maxRequestBodyBytes;
  /** Verdicts between {@code before} and {@code consumer}, by the Audit-ID sent. */
  private final Map<String, Verdict> handoff = new ConcurrentHashMap<>();
  /**
   * Verdicts of requests in flight, by the identity of their URI (fabric8 keeps one URI instance
   * across a request's copies). Weakly held: fabric8 reports a connection failure only when it will
   * retry, so the last attempt's entry is never removed explicitly.
   */
  private final InFlight inFlight = new InFlight();

  /**
   * @param serviceIdentity who requests of unbound clients are made for, or {@code null} to deny them
   * @param maxRequestBodyBytes the largest stream body read for inspection
   */
  public GuardInterceptor(Guard guard, IdentityBinding serviceIdentity, int maxRequestBodyBytes) {
    this.guard = guard;
    this.serviceIdentity = serviceIdentity;
    this.maxRequestBodyBytes = maxRequestBodyBytes;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    IdentityBinding bound = tags == null ? null : tags.getTag(IdentityBinding.class);
    if (bound == null) {
      bound = serviceIdentity;
    }
    boolean webSocket = builder instanceof WebSocket.Builder;
    KubeRequest kube;
    try {
      kube = RequestReader.read(request, builder, webSocket, maxRequestBodyBytes);
    } catch (RequestReader.UnreadableBodyException e) {
      // A body the Guard cannot read is never sent; the refusal is recorded like any denial.
      throw Denials.forbidden(request, guard.refuse(bound == null ? null : bound.identity(),
          new KubeRequest(request.method(), RequestReader.target(request.uri()), request.headers(), null),
          bound == null ? null : bound.contextNow(), e.getMessage()));
    }
    Verdict v = guard.check(bound == null ? null : bound.identity(), kube, bound == null ? null : bound.contextNow());
    if (!v.allowed()) {
      throw Denials.forbidden(request, v);
    }
    if (kube.bodyLength() > maxRequestBodyBytes) {
      guard.recordFailure(v, new IllegalStateException("request body too large"));
      throw Denials.forbidden(request, v, "kubeguard: request body exceeds " + maxRequestBodyBytes + " bytes");
    }
    if (webSocket && v.masksResponse() && !isSessionHandshake(v.request().attributes())) {
      guard.recordFailure(v, new IllegalStateException("WebSocket frames cannot be masked"));
      throw Denials.forbidden(request, v,
          "kubeguard: this WebSocket stream cannot be masked (masking profile '" + v.maskingProfile()
              + "'); use HTTP watches (Config onlyHttpWatches)");
    }
    builder.setHeader(AUDIT_ID, v.auditId());
    if (webSocket) {
      // No body consumer and no after() body for a handshake: the session is decided here, and
      // its end is recorded by the SessionEnd its client carries (absent only on clients built
      // outside GuardedKubernetesClient).
      SessionEnd end = tags == null ? null : tags.getTag(SessionEnd.class);
      if (end != null) {
        end.began(v);
      }
      return;
    }
    if (v.masksResponse()) {
      builder.setHeader("Accept", AcceptHeaders.forMasking(request.header("Accept")));
    }
    handoff.put(v.auditId(), v);
    inFlight.put(request.uri(), v);
  }

  @Override
  public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
    String auditId = request.header(AUDIT_ID);
    Verdict v = auditId == null ? null : handoff.remove(auditId);
    if (v == null) {
      return MaskingConsumer.refusing("no verdict for this response");
    }
    return new MaskingConsumer(guard, v, consumer);
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (request != null) {
      inFlight.remove(request.uri());
    }
    if (response instanceof WebSocketUpgradeResponse || consumer == null) {
      return;
    }
    MaskingConsumer masking = consumer.unwrap(MaskingConsumer.class);
    if (masking != null) {
      masking.onResponse(response);
    }
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    Verdict v = request == null ? null : inFlight.remove(request.uri());
    if (v != null) {
      guard.recordFailure(v, failure);
    }
  }

  private static boolean isSessionHandshake(Attributes a) {
    return a.isResourceRequest() && a.resource().equals("pods") && STREAM_SUBRESOURCES.contains(a.subresource());
  }
}

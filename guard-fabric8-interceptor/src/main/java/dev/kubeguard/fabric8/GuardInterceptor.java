package dev.kubeguard.fabric8;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketUpgradeResponse;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The fabric8 {@link Interceptor} that puts every request of a client before the {@link Guard}:
 * it translates the request into a {@link KubeRequest}, begins a {@link GuardedExchange} and
 * carries out what the exchange says, in fabric8's terms. It decides nothing itself.
 *
 * <p>{@code before} runs the exchange for the identity bound to the client (the
 * {@link IdentityBinding} tag of its {@code HttpClient}, else the configured service identity,
 * else none: a denial). A denial is thrown from {@code before} as fabric8's own 403
 * {@code KubernetesClientException}: it reaches the caller and nothing is sent. An allowed request
 * gets the exchange's headers, and its body consumer is wrapped in a {@link MaskingConsumer} that
 * hands the response to the exchange. A WebSocket handshake (exec, attach, port-forward; the Guard
 * refuses other upgrades it would have to mask) hands its exchange to the {@link SessionEnd} tag
 * of its client, which reports the session's start and end.
 *
 * <p><b>Threading:</b> shared by every request of a client and its derived clients; fabric8 may call
 * it from I/O threads, and again on every retry (each attempt is its own exchange).
 * <b>Blocking:</b> {@code before} blocks while the Guard waits for a blocking approval.
 * <b>Failure:</b> {@code before} throws only fabric8's 403 (or, for a client it cannot adapt, an
 * {@code IllegalStateException}); nothing unjudged is ever sent.
 */
final class GuardInterceptor implements Interceptor {

  /** The name it is registered under. */
  static final String NAME = "KUBEGUARD";

  private final Guard guard;
  private final IdentityBinding serviceIdentity;
  /**
   * Exchanges of requests in flight, from {@code before} to {@code consumer}, {@code after} or a
   * connection failure, by the identity of their URI (fabric8 keeps one URI instance across a
   * request's copies, and a retry's {@code before} replaces the entry). Weakly held: fabric8
   * reports a connection failure only when it will retry, so the last attempt's entry is never
   * removed explicitly and must not outlive its request.
   */
  private final InFlight inFlight = new InFlight();

  /** @param serviceIdentity who requests of unbound clients are made for, or {@code null} to deny them */
  GuardInterceptor(Guard guard, IdentityBinding serviceIdentity) {
    this.guard = guard;
    this.serviceIdentity = serviceIdentity;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    IdentityBinding bound = tags == null ? null : tags.getTag(IdentityBinding.class);
    if (bound == null) {
      bound = serviceIdentity;
    }
    Identity who = bound == null ? null : bound.identity();
    CallContext context = bound == null ? null : bound.contextNow();
    boolean webSocket = builder instanceof WebSocket.Builder;
    GuardedExchange exchange;
    try {
      exchange = guard.begin(who, RequestReader.read(request, builder, webSocket, guard.maxRequestBodyBytes()), context);
    } catch (RequestReader.UnreadableBodyException e) {
      // A body the Guard cannot read is never sent; the refusal is recorded like any denial.
      exchange = guard.refuse(who, RequestReader.withoutBody(request, webSocket), context, e.getMessage());
    }
    if (exchange.denied()) {
      throw Denials.forbidden(request, exchange);
    }
    Headers.apply(exchange, builder, request);
    if (webSocket) {
      // No body consumer and no after() body for a handshake: its SessionEnd (absent only on
      // clients built outside GuardedKubernetesClient) reports the session's start and end.
      SessionEnd end = tags == null ? null : tags.getTag(SessionEnd.class);
      if (end != null) {
        end.began(exchange);
      }
      return;
    }
    inFlight.put(request.uri(), exchange);
  }

  @Override
  public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
    GuardedExchange exchange = inFlight.get(request.uri());
    if (exchange == null) {
      return MaskingConsumer.refusing("no exchange for this response");
    }
    return new MaskingConsumer(exchange, consumer);
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
    GuardedExchange exchange = request == null ? null : inFlight.remove(request.uri());
    if (exchange != null) {
      exchange.failed(failure);
    }
  }
}

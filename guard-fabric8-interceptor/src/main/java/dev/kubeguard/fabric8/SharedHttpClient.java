package dev.kubeguard.fabric8;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code HttpClient} of every client {@code GuardedKubernetesClient} hands out: a view of the
 * guarded client's HTTP client that shares its connections and interceptors, and adds the three
 * things fabric8's interceptors cannot do.
 *
 * <ul>
 *   <li>{@link #close()} only marks this view closed: the shared connections belong to the
 *       {@code GuardedKubernetesClient}, so a tool handler closing its client (try-with-resources)
 *       cannot break everyone else's.
 *   <li>{@link #newWebSocketBuilder()} builds each WebSocket on its own derived client tagged with a
 *       {@link SessionEnd}, so the session's start and end (close, error, failed handshake) are
 *       reported to the exchange the interceptor began for its handshake.
 *   <li>{@link #newBuilder()} derives clients that stay guarded and bound to the same identity
 *       ({@link SharedClientBuilder}).
 * </ul>
 *
 * <p>Requests are passed on unchanged (the interceptors inside judge them). Clients fabric8 derives
 * from this one ({@code withRequestConfig}) are views too. <b>Threading:</b> thread-safe.
 */
final class SharedHttpClient implements HttpClient {

  private final HttpClient shared;
  private final HttpClient owner;
  private final GuardInterceptor guard;
  private final IdentityBinding binding;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param shared the derived client requests go through
   * @param owner the guarded client's own HTTP client, whose close ends every view (the OkHttp
   *     backend does not tell derived clients that it closed)
   * @param guard the interceptor every client derived from this one keeps
   * @param binding who its requests are made for ({@code null}: the service identity)
   */
  SharedHttpClient(HttpClient shared, HttpClient owner, GuardInterceptor guard, IdentityBinding binding) {
    this.shared = shared;
    this.owner = owner;
    this.guard = guard;
    this.binding = binding;
  }

  /** Marks this view closed; the shared connections stay open. */
  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public boolean isClosed() {
    return closed.get() || shared.isClosed() || owner.isClosed();
  }

  @Override
  public DerivedClientBuilder newBuilder() {
    return new SharedClientBuilder(shared.newBuilder(), owner, guard, binding);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, Class<T> type) {
    return shared.sendAsync(request, type);
  }

  @Override
  public CompletableFuture<HttpResponse<AsyncBody>> consumeBytes(HttpRequest request,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    return shared.consumeBytes(request, consumer);
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    SessionEnd end = new SessionEnd();
    // A derived client per session (sharing the connections) carries the SessionEnd as a tag,
    // the only per-request thing fabric8 shows interceptors besides the request itself.
    HttpClient session = shared.newBuilder().tag(end).build();
    return new SessionWebSocketBuilder(session.newWebSocketBuilder(), end);
  }

  @Override
  public HttpRequest.Builder newHttpRequestBuilder() {
    return shared.newHttpRequestBuilder();
  }
}

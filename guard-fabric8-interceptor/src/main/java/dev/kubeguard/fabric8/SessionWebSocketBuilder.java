package dev.kubeguard.fabric8;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket builder whose session reports its end to a {@link SessionEnd}: the listener is
 * wrapped, and a handshake that fails (denied, rejected by the server, unreachable) ends it too.
 * Not thread-safe, like every builder; the built session is.
 */
final class SessionWebSocketBuilder implements WebSocket.Builder {

  private final WebSocket.Builder delegate;
  private final SessionEnd end;

  SessionWebSocketBuilder(WebSocket.Builder delegate, SessionEnd end) {
    this.delegate = delegate;
    this.end = end;
  }

  @Override
  public CompletableFuture<WebSocket> buildAsync(WebSocket.Listener listener) {
    CompletableFuture<WebSocket> started = delegate.buildAsync(new SessionListener(listener, end));
    // Observed, not chained: the caller keeps fabric8's own future (and its cancellation).
    started.whenComplete((ws, failure) -> {
      if (failure != null) {
        end.failed(failure);
      }
    });
    return started;
  }

  @Override
  public WebSocket.Builder subprotocol(String protocol) {
    delegate.subprotocol(protocol);
    return this;
  }

  @Override
  public WebSocket.Builder header(String name, String value) {
    delegate.header(name, value);
    return this;
  }

  @Override
  public WebSocket.Builder setHeader(String k, String v) {
    delegate.setHeader(k, v);
    return this;
  }

  @Override
  public WebSocket.Builder uri(URI uri) {
    delegate.uri(uri);
    return this;
  }

  @Override
  public WebSocket.Builder connectTimeout(long timeout, TimeUnit timeUnit) {
    delegate.connectTimeout(timeout, timeUnit);
    return this;
  }
}

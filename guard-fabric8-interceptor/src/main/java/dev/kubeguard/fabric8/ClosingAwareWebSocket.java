package dev.kubeguard.fabric8;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.nio.ByteBuffer;

/**
 * The session's WebSocket as its listener sees it: tells the {@link SessionEnd} when the caller
 * starts closing, because backends may then report the torn-down connection as an error (an
 * {@code EOFException} racing the close frame) although the session ended normally.
 * Frames pass untouched. <b>Threading:</b> as thread-safe as the backend's WebSocket.
 */
final class ClosingAwareWebSocket implements WebSocket {

  private final WebSocket delegate;
  private final SessionEnd end;

  ClosingAwareWebSocket(WebSocket delegate, SessionEnd end) {
    this.delegate = delegate;
    this.end = end;
  }

  @Override
  public boolean send(ByteBuffer buffer) {
    return delegate.send(buffer);
  }

  @Override
  public boolean sendClose(int code, String reason) {
    end.closing();
    return delegate.sendClose(code, reason);
  }

  @Override
  public long queueSize() {
    return delegate.queueSize();
  }

  @Override
  public void request() {
    delegate.request();
  }
}

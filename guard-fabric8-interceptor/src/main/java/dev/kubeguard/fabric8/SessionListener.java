package dev.kubeguard.fabric8;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.nio.ByteBuffer;

/**
 * Passes every WebSocket event to the caller's listener and reports the session's start (open),
 * and its end (close or error) to the {@link SessionEnd} before the caller hears of it (so each is
 * recorded by the time the caller's callback runs). The caller sees the socket through a {@link ClosingAwareWebSocket}, so a
 * close it starts is known. Frames are passed untouched: they are neither masked nor recorded.
 * <b>Threading:</b> called on the backend's I/O threads, one callback at a time per session, as
 * the caller's listener is.
 */
final class SessionListener implements WebSocket.Listener {

  private final WebSocket.Listener delegate;
  private final SessionEnd end;
  private volatile WebSocket seen;
  private volatile WebSocket shown;

  SessionListener(WebSocket.Listener delegate, SessionEnd end) {
    this.delegate = delegate;
    this.end = end;
  }

  /** The backend's socket as the caller sees it: the same wrapper for every callback. */
  private WebSocket shown(WebSocket webSocket) {
    if (webSocket == null) {
      return null;
    }
    if (seen != webSocket) {
      shown = new ClosingAwareWebSocket(webSocket, end);
      seen = webSocket;
    }
    return shown;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    try {
      end.opened();
    } finally {
      delegate.onOpen(shown(webSocket));
    }
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    delegate.onMessage(shown(webSocket), text);
  }

  @Override
  public void onMessage(WebSocket webSocket, ByteBuffer bytes) {
    delegate.onMessage(shown(webSocket), bytes);
  }

  @Override
  public void onClose(WebSocket webSocket, int code, String reason) {
    try {
      end.closed(code, reason);
    } finally {
      delegate.onClose(shown(webSocket), code, reason);
    }
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    try {
      end.failed(error);
    } finally {
      delegate.onError(shown(webSocket), error);
    }
  }
}

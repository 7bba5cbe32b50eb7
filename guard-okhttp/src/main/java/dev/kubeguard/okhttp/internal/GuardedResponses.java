package dev.kubeguard.okhttp.internal;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.core.GuardedExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import okhttp3.Response;
import okio.Buffer;

/** Translates an allowed exchange's response into what the OkHttp caller reads. Stateless. */
public final class GuardedResponses {

  /**
   * The response the caller gets: the body masked as it streams, or the exchange's withheld
   * {@code Status} in its place (the original body closed unread). A 101 is an upgraded
   * connection whose frames OkHttp hands to the WebSocket, not to this body.
   */
  public static Response guard(GuardedExchange exchange, Response response) throws IOException {
    Buffer masked = new Buffer();
    boolean upgrade = response.code() == 101;
    GuardedExchange.Reply reply = exchange.respond(response.code(), response.header("Content-Type"),
        response.header("Content-Encoding"), upgrade, new BufferSink(masked));
    if (reply instanceof GuardedExchange.Reply.Withhold w) {
      response.close();
      return SyntheticResponses.withheld(response, w);
    }
    GuardedExchange.Reply.Pass pass = (GuardedExchange.Reply.Pass) reply;
    if (upgrade || !hasBody(response)) {
      pass.body().finish();
      return response;
    }
    MaskingSource source = new MaskingSource(response.body().source(), pass.body(), masked);
    return response.newBuilder()
        .removeHeader("Content-Length")
        .body(new MaskedResponseBody(response.body().contentType(), source))
        .build();
  }

  // A class, not the method reference masked::write: each lambda call site is linked (bytecode
  // spun, method handles resolved) on its first call, which short-lived tools pay on every run.
  private record BufferSink(Buffer buffer) implements ChunkSink {
    @Override
    public void accept(ByteBuffer chunk) throws IOException {
      buffer.write(chunk);
    }
  }

  private static boolean hasBody(Response response) {
    int code = response.code();
    return !response.request().method().equals("HEAD") && code != 204 && code != 304 && (code < 100 || code >= 200);
  }

  private GuardedResponses() {}
}

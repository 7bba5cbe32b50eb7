package dev.kubeguard.okhttp.internal;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;

/**
 * A request body read once for the Guard, with a bound, or the reason it could not be: the Guard
 * must judge the complete body, so a body it cannot read is a denial, never a bypass.
 * Immutable after {@link #read}.
 *
 * @param bytes the complete body ({@code null} when there is none or it was refused)
 * @param contentType the body's media type, or {@code null}
 * @param refusal why the body cannot be judged, or {@code null}
 */
public record BufferedRequestBody(byte[] bytes, MediaType contentType, String refusal) {

  private static final BufferedRequestBody NONE = new BufferedRequestBody(null, null, null);

  /**
   * Reads {@code body} (may be {@code null}), keeping at most {@code cap} bytes: a body larger
   * than the Guard's limit is read only one byte past it, which is all the Guard needs to deny it.
   */
  public static BufferedRequestBody read(RequestBody body, int cap) {
    if (body == null) {
      return NONE;
    }
    if (body.isDuplex()) {
      return refused("a duplex request body cannot be read before it is sent, so the guard cannot judge it");
    }
    Buffer buffer = new Buffer();
    try {
      BufferedSink sink = Okio.buffer(new Bounded(buffer, cap));
      body.writeTo(sink);
      sink.flush();
      return new BufferedRequestBody(buffer.readByteArray(), body.contentType(), null);
    } catch (TooLarge e) {
      return new BufferedRequestBody(buffer.readByteArray(), body.contentType(), null);
    } catch (IOException | RuntimeException e) {
      return refused("the request body could not be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The body to send: exactly the judged bytes with the same media type (one-shot bodies are
   * spent, and a repeatable body could write different bytes the second time).
   */
  public RequestBody forwardable() {
    return RequestBody.create(bytes == null ? new byte[0] : bytes, contentType);
  }

  /** The judged bytes; callers must not modify them. */
  byte[] raw() {
    return bytes;
  }

  private static BufferedRequestBody refused(String why) {
    return new BufferedRequestBody(null, null, why);
  }

  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("request body too large");
    }
  }

  // Stops the body's writer at the cap, so a huge body is never held whole.
  private static final class Bounded extends ForwardingSink {
    private final int cap;
    private long written;

    Bounded(Buffer delegate, int cap) {
      super(delegate);
      this.cap = cap;
    }

    @Override
    public void write(Buffer source, long byteCount) throws IOException {
      long room = cap - written;
      if (byteCount > room) {
        super.write(source, room);
        written = cap;
        throw new TooLarge();
      }
      written += byteCount;
      super.write(source, byteCount);
    }
  }
}

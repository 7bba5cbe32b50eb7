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

  /** Reads {@code body} (may be {@code null}) if it is at most {@code limit} bytes. */
  public static BufferedRequestBody read(RequestBody body, int limit) {
    if (body == null) {
      return NONE;
    }
    if (body.isDuplex()) {
      return refused("a duplex request body cannot be read before it is sent, so the guard cannot judge it");
    }
    try {
      long declared = body.contentLength();
      if (declared > limit) {
        return refused(tooLarge(declared, limit));
      }
      Buffer buffer = new Buffer();
      BufferedSink sink = Okio.buffer(new Bounded(buffer, limit));
      body.writeTo(sink);
      sink.flush();
      return new BufferedRequestBody(buffer.readByteArray(), body.contentType(), null);
    } catch (TooLarge e) {
      return refused(tooLarge(e.seen, limit));
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

  private static String tooLarge(long size, int limit) {
    return "the request body (" + (size < 0 ? "more than " + limit : size) + " bytes) exceeds the guard's limit of " + limit + " bytes";
  }

  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
    final transient long seen;

    TooLarge(long seen) {
      super("request body too large");
      this.seen = seen;
    }
  }

  // Fails as soon as the body outgrows the limit, so a huge body is never held whole.
  private static final class Bounded extends ForwardingSink {
    private final int limit;
    private long written;

    Bounded(Buffer delegate, int limit) {
      super(delegate);
      this.limit = limit;
    }

    @Override
    public void write(Buffer source, long byteCount) throws IOException {
      written += byteCount;
      if (written > limit) {
        throw new TooLarge(-1);
      }
      super.write(source, byteCount);
    }
  }
}

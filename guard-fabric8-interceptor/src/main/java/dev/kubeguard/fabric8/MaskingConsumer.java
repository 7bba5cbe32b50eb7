package dev.kubeguard.fabric8;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.core.GuardedExchange;
import dev.kubeguard.core.ResponseStream;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in front of fabric8's body consumer and passes it only what the exchange lets through: the
 * body written through the exchange's {@link ResponseStream} (masked, captured, recorded there).
 *
 * <p>fabric8 wraps consumers before the response exists, and may hand the first chunk over before
 * {@link #onResponse} (fabric8's {@code after}) tells the status and content type the masker
 * needs; such chunks wait here (bounded) and are masked once the response is known.
 *
 * <p>The end of a body is only signalled by the body's {@code done()} future, so the masker's
 * held-back tail is flushed from a {@code done()} listener registered on the first chunk, after
 * fabric8's own consumers registered theirs: the JDK's {@code CompletableFuture} runs later
 * registrations first, so the tail reaches the consumer before it assembles the body. A backend
 * may also finish the whole body before {@code after} runs (Jetty does when the answer is in
 * before its request is fully sent): the body then waits here whole, and {@link #onResponse}
 * masks it, flushes the tail and passes it all on before fabric8's consumer, registering its own
 * {@code done()} listener after {@code after}, can assemble it. When the body declares its length
 * the masker is finished on its last chunk, so no tail waits for {@code done()} at all; only a
 * chunked body some of which came before {@code after} still depends on the listener order.
 *
 * <p><b>Failure:</b> a body the exchange withholds fails the call with fabric8's error for the
 * exchange's {@code 500 Status}; the transfer is cancelled and every chunk refused. A masking error
 * mid-stream fails the consumer the same way (the backend then fails the call). No unmasked byte is
 * ever passed on; the exchange records what the caller got.
 * <b>Threading:</b> chunks, {@code after} and {@code done} may come on different threads; all
 * state is guarded by this object's monitor (reentrant, as backends may deliver the next chunk
 * from inside the consumer's demand call).
 */
final class MaskingConsumer implements AsyncBody.Consumer<List<ByteBuffer>> {

  private static final Logger LOG = LoggerFactory.getLogger(MaskingConsumer.class);
  /** The most a body may send before its headers are processed; in practice one chunk. */
  private static final int MAX_EARLY_BYTES = 1 << 20;

  private final GuardedExchange exchange;
  private final AsyncBody.Consumer<List<ByteBuffer>> downstream;

  private ResponseStream stream;
  private List<ByteBuffer> collecting;
  private final List<ByteBuffer> early = new ArrayList<>();
  private int earlyBytes;
  private AsyncBody earlyBody;
  private boolean withheld;
  private boolean ended;
  /** The body whose {@code done()} got this consumer's end listener from a chunk. */
  private AsyncBody hooked;
  /** The body of the response {@link #onResponse} was told of: chunks and ends of others are not this one's. */
  private AsyncBody current;
  /** The body ended before {@link #onResponse}: it is passed on (or failed) from there. */
  private boolean endedEarly;
  private Throwable earlyFailure;
  /** The body's declared length ({@code -1}: unknown), and how much of it came. */
  private long declaredLength = -1;
  private long received;
  /** The masker was finished because the declared length arrived, before {@code done()}. */
  private boolean finished;

  MaskingConsumer(GuardedExchange exchange, AsyncBody.Consumer<List<ByteBuffer>> downstream) {
    this.exchange = exchange;
    this.downstream = downstream;
  }

  /** A consumer that refuses every byte: used when no exchange can be found for a response. */
  static AsyncBody.Consumer<List<ByteBuffer>> refusing(String why) {
    return (value, body) -> {
      throw new IOException("kubeguard: response withheld: " + why);
    };
  }

  /** The response's status and headers are known: the exchange decides what the caller gets. */
  synchronized void onResponse(HttpResponse<?> response) {
    if (ended) {
      return;
    }
    // fabric8 resends a request an interceptor's afterFailure asked for (a 401 answered by a token
    // refresh) through this same consumer: the caller gets only the last response, so that is the
    // one the exchange reports; the superseded one was never passed on and is left unrecorded.
    // Its bytes, or its end, may have come before this (Jetty pushes them): they are dropped.
    AsyncBody body = response.body() instanceof AsyncBody b ? b : null;
    if (earlyBody != null && earlyBody != body) {
      dropEarly();
    }
    current = body;
    stream = null;
    withheld = false;
    received = 0;
    finished = false;
    GuardedExchange.Reply reply = exchange.respond(response.code(), response.header("Content-Type"),
        response.header("Content-Encoding"), false, new Collector());
    if (reply instanceof GuardedExchange.Reply.Withhold withhold) {
      withheld = true;
      ended |= endedEarly;
      LOG.warn("kubeguard: withholding the response body of auditID {}", exchange.auditId());
      if (body != null) {
        fail(body, Denials.withheld(withhold));
        body.cancel();
      }
      return;
    }
    stream = ((GuardedExchange.Reply.Pass) reply).body();
    declaredLength = declaredLength(response);
    if (endedEarly) {
      passOnWhole(body);
      return;
    }
    if (body != null && hooked != body) {
      // Only ends an empty body (recording it); a body with data is ended by the listener its
      // first chunk registers (so not marked hooked here), which runs before the consumer's own.
      body.done().whenComplete(new EndListener(body));
    }
    if (!early.isEmpty()) {
      try {
        deliver(mask(takeEarly()), earlyBody);
      } catch (Exception e) {
        withhold(earlyBody, e.getMessage());
      }
    }
  }

  private void dropEarly() {
    early.clear();
    earlyBytes = 0;
    earlyBody = null;
    endedEarly = false;
    earlyFailure = null;
  }

  /**
   * The body ended before its headers were handled: masks what came, flushes the tail and hands it
   * all to the consumer in one go, or fails the body as it failed.
   */
  private void passOnWhole(AsyncBody body) {
    ended = true;
    if (earlyFailure != null) {
      stream.abort("response body failed: " + earlyFailure.getClass().getSimpleName());
      return; // done() already failed: fabric8's consumer reports it
    }
    List<ByteBuffer> whole;
    try {
      whole = mask(takeEarly());
      if (!finished) {
        collecting = whole;
        stream.finish();
      }
    } catch (MaskingException | RuntimeException e) {
      withheld = true;
      fail(body, Denials.withheld(e.getMessage()));
      return;
    } finally {
      collecting = null;
    }
    if (whole.isEmpty()) {
      return;
    }
    try {
      downstream.consume(whole, body);
    } catch (Exception e) {
      LOG.warn("kubeguard: the consumer of auditID {} refused its response body: {}", exchange.auditId(), e.getMessage());
      fail(body, e);
    }
  }

  /**
   * The length the body will have as received, when the server declared it and nothing decodes it
   * on the way: the end is then known from the last chunk itself, so the tail goes out with it
   * instead of from a {@code done()} listener that Jetty may run after fabric8's consumer built the
   * body from chunks that came before {@code after}.
   */
  private static long declaredLength(HttpResponse<?> response) {
    String encoding = response.header("Content-Encoding");
    String length = response.header("Content-Length");
    boolean decoded = encoding != null && !encoding.equalsIgnoreCase("identity");
    boolean noBody = response.code() == 204 || response.code() == 304
        || (response.request() != null && "HEAD".equals(response.request().method()));
    if (length == null || decoded || noBody) {
      return -1;
    }
    try {
      long n = Long.parseLong(length.trim());
      return n >= 0 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private List<ByteBuffer> takeEarly() {
    List<ByteBuffer> pending = new ArrayList<>(early);
    early.clear();
    earlyBytes = 0;
    return pending;
  }

  /**
   * Fails the body for fabric8's consumer, which registers on {@code done()} only after
   * {@code after}: a body that already ended is made to read as failed ({@code obtrudeException}),
   * or the consumer would assemble an empty body and the caller get {@code null} for its object.
   */
  private static void fail(AsyncBody body, Throwable why) {
    if (body != null && !body.done().completeExceptionally(why)) {
      body.done().obtrudeException(why);
    }
  }

  @Override
  public synchronized void consume(List<ByteBuffer> value, AsyncBody body) throws Exception {
    if (withheld || ended) {
      throw new IOException("kubeguard: response body withheld");
    }
    if (current != null && body != current) {
      // a superseded response's late bytes, or (if fabric8 did not tell this consumer of the
      // response it resent) a body no exchange decided on: never passed on
      throw new IOException("kubeguard: response body of another response than the one judged");
    }
    if (stream == null && earlyBody != null && earlyBody != body) {
      dropEarly(); // a new response began: the bytes before were a superseded one's
    }
    hookDone(body);
    if (stream == null) {
      for (ByteBuffer b : value) {
        earlyBytes += b.remaining();
        early.add(copyOf(b));
      }
      earlyBody = body;
      if (earlyBytes > MAX_EARLY_BYTES) {
        withheld = true;
        ended = true;
        IOException e = new IOException("kubeguard: response body arrived before its headers were processed");
        exchange.failed(e);
        throw e;
      }
      return; // onResponse masks and delivers these, which also asks the backend for more
    }
    List<ByteBuffer> masked;
    try {
      masked = mask(value);
    } catch (MaskingException e) {
      withhold(body, e.getMessage());
      throw e;
    }
    deliver(masked, body);
  }

  /**
   * Fails the body with a Kubernetes-shaped 500 before the backend can report it its own way (a
   * stream reset, a cancellation), then stops the transfer.
   */
  private void withhold(AsyncBody body, String why) {
    withheld = true;
    fail(body, Denials.withheld(why));
    body.cancel();
  }

  private List<ByteBuffer> mask(List<ByteBuffer> value) throws MaskingException {
    List<ByteBuffer> out = new ArrayList<>();
    collecting = out;
    try {
      for (ByteBuffer b : value) {
        received += b.remaining();
        stream.write(b);
      }
      if (!finished && declaredLength >= 0 && received >= declaredLength) {
        finished = true;
        stream.finish();
      }
    } catch (MaskingException | RuntimeException e) {
      withheld = true;
      throw e instanceof MaskingException me ? me : new MaskingException("masking failed", e);
    } finally {
      collecting = null;
    }
    return out;
  }

  private void deliver(List<ByteBuffer> masked, AsyncBody body) throws Exception {
    if (masked.isEmpty()) {
      body.consume(); // everything was held back: ask for more ourselves
    } else {
      downstream.consume(masked, body);
    }
  }

  private void hookDone(AsyncBody body) {
    if (hooked != body) {
      hooked = body;
      body.done().whenComplete(new EndListener(body));
    }
  }

  // Inner classes, not lambdas, for the sink and the done() listener: each lambda call site is
  // linked (bytecode spun, method handles resolved) on its first call, which a short-lived tool
  // pays on its first response.
  private final class Collector implements ChunkSink {
    @Override
    public void accept(ByteBuffer chunk) {
      collecting.add(copyOf(chunk));
    }
  }

  /** The remaining bytes of {@code b}, in a buffer of their own: callers reuse theirs. */
  private static ByteBuffer copyOf(ByteBuffer b) {
    ByteBuffer copy = ByteBuffer.allocate(b.remaining());
    copy.put(b).flip();
    return copy;
  }

  private final class EndListener implements BiConsumer<Object, Throwable> {
    private final AsyncBody body;

    EndListener(AsyncBody body) {
      this.body = body;
    }

    @Override
    public void accept(Object ignored, Throwable failure) {
      ended(body, failure);
    }
  }

  /**
   * Whether an end of {@code body} is this consumer's to act on: the judged response's, or, before
   * {@link #onResponse}, that of the body whose bytes wait here (and only the first such end).
   */
  private boolean endIsOurs(AsyncBody body) {
    if (current != null) {
      return body == current;
    }
    return !endedEarly && (earlyBody == null || body == earlyBody);
  }

  private synchronized void ended(AsyncBody body, Throwable failure) {
    if (ended || !endIsOurs(body)) {
      return; // over already, or the end of a superseded response
    }
    if (stream == null && !withheld) {
      endedEarly = true; // onResponse passes it on
      earlyFailure = failure;
      earlyBody = body;
      return;
    }
    ended = true;
    if (withheld || finished) {
      return; // the exchange already recorded the withheld or complete body
    }
    if (failure != null) {
      stream.abort("response body failed: " + failure.getClass().getSimpleName());
      return;
    }
    List<ByteBuffer> tail = new ArrayList<>();
    collecting = tail;
    try {
      stream.finish();
      if (!tail.isEmpty()) {
        downstream.consume(tail, body);
      }
    } catch (Exception e) {
      // The body already completed: the caller sees it truncated, never unmasked.
      LOG.warn("kubeguard: the end of the response body of auditID {} was withheld: {}", exchange.auditId(), e.getMessage());
    } finally {
      collecting = null;
    }
  }
}

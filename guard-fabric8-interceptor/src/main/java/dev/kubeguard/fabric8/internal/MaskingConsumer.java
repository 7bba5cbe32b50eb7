package dev.kubeguard.fabric8.internal;

import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.Verdict;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in front of fabric8's body consumer and passes it only masked bytes.
 *
 * <p>fabric8 wraps consumers before the response exists, and may hand the first chunk over before
 * {@link #onResponse} (fabric8's {@code after}) tells the status and content type the masker
 * needs; such chunks wait here (bounded) and are masked once the response is known.
 *
 * <p>The end of a body is only signalled by the body's {@code done()} future, so the masker's
 * held-back tail is flushed from a {@code done()} listener registered on the first chunk, after
 * fabric8's own consumers registered theirs: the JDK's {@code CompletableFuture} runs later
 * registrations first, so the tail reaches the consumer before it assembles the body.
 *
 * <p><b>Failure:</b> a body the masker cannot open is withheld: the call is cancelled and every
 * chunk refused. A masking error mid-stream fails the consumer (the backend then fails the call;
 * Vert.x reports it as a stream reset). No unmasked byte is ever passed on.
 * <b>Threading:</b> chunks, {@code after} and {@code done} may come on different threads; all
 * state is guarded by this object's monitor (reentrant, as backends may deliver the next chunk
 * from inside the consumer's demand call).
 */
public final class MaskingConsumer implements AsyncBody.Consumer<List<ByteBuffer>> {

  private static final Logger LOG = LoggerFactory.getLogger(MaskingConsumer.class);
  /** The most a body may send before its headers are processed; in practice one chunk. */
  private static final int MAX_EARLY_BYTES = 1 << 20;

  private final Guard guard;
  private final Verdict verdict;
  private final AsyncBody.Consumer<List<ByteBuffer>> downstream;

  private MaskingStream stream;
  private List<ByteBuffer> collecting;
  private final List<ByteBuffer> early = new ArrayList<>();
  private int earlyBytes;
  private AsyncBody earlyBody;
  private boolean withheld;
  private boolean ended;
  private boolean doneHooked;

  MaskingConsumer(Guard guard, Verdict verdict, AsyncBody.Consumer<List<ByteBuffer>> downstream) {
    this.guard = guard;
    this.verdict = verdict;
    this.downstream = downstream;
  }

  /** A consumer that refuses every byte: used when no verdict can be found for a response. */
  static AsyncBody.Consumer<List<ByteBuffer>> refusing(String why) {
    return (value, body) -> {
      throw new IOException("kubeguard: response withheld: " + why);
    };
  }

  /** The response's status and headers are known: open the masking stream for it. */
  synchronized void onResponse(HttpResponse<?> response) {
    if (ended) {
      return;
    }
    // After a retried request fabric8 reuses this consumer for the new response.
    stream = null;
    withheld = false;
    try {
      stream = guard.openResponse(verdict, response.code(), response.header("Content-Type"),
          response.header("Content-Encoding"), chunk -> {
            ByteBuffer copy = ByteBuffer.allocate(chunk.remaining());
            copy.put(chunk).flip();
            collecting.add(copy);
          });
    } catch (MaskingException | RuntimeException e) {
      withheld = true;
      LOG.warn("kubeguard: withholding the response body of auditID {}: {}", verdict.auditId(), e.getMessage());
      if (response.body() instanceof AsyncBody body) {
        withhold(body, e.getMessage());
      }
      return;
    }
    if (response.body() instanceof AsyncBody body && !doneHooked) {
      // Only ends an empty body (recording it); a body with data is ended by the listener its
      // first chunk registers, which runs before the consumer's own.
      body.done().whenComplete((v, t) -> ended(body, t));
    }
    if (!early.isEmpty()) {
      List<ByteBuffer> pending = new ArrayList<>(early);
      early.clear();
      earlyBytes = 0;
      try {
        deliver(mask(pending), earlyBody);
      } catch (Exception e) {
        withhold(earlyBody, e.getMessage());
      }
    }
  }

  @Override
  public synchronized void consume(List<ByteBuffer> value, AsyncBody body) throws Exception {
    if (withheld || ended) {
      throw new IOException("kubeguard: response body withheld");
    }
    hookDone(body);
    if (stream == null) {
      for (ByteBuffer b : value) {
        earlyBytes += b.remaining();
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b).flip();
        early.add(copy);
      }
      earlyBody = body;
      if (earlyBytes > MAX_EARLY_BYTES) {
        withheld = true;
        throw new IOException("kubeguard: response body arrived before its headers were processed");
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
    body.done().completeExceptionally(Denials.withheld(why));
    body.cancel();
  }

  private List<ByteBuffer> mask(List<ByteBuffer> value) throws MaskingException {
    List<ByteBuffer> out = new ArrayList<>();
    collecting = out;
    try {
      for (ByteBuffer b : value) {
        stream.write(b);
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
    if (!doneHooked) {
      doneHooked = true;
      body.done().whenComplete((v, t) -> ended(body, t));
    }
  }

  private synchronized void ended(AsyncBody body, Throwable failure) {
    if (ended) {
      return;
    }
    ended = true;
    if (failure != null || withheld || stream == null) {
      if (stream != null && !withheld) {
        guard.recordFailure(verdict, failure);
      }
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
      LOG.warn("kubeguard: the end of the response body of auditID {} was withheld: {}", verdict.auditId(), e.getMessage());
    } finally {
      collecting = null;
    }
  }
}

package dev.kubeguard.core.mask;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Masks a JSON body (one object, a list, a Table, or a newline-delimited watch stream) as its
 * bytes arrive, with Jackson's non-blocking parser. Each root value is followed by a newline, so
 * a watch stream keeps one event per line and each event goes downstream as soon as its last
 * byte has been read. Holds at most one string token, what a deferred {@code data} field needs
 * (bounded), and about {@link ChunkOutput#FLUSH_AT} of output. Not thread-safe.
 */
final class JsonMaskingStream implements MaskingStream {

  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private byte[] copy = new byte[0];
  private final ChunkOutput out;
  private final CompactJsonWriter gen;
  private final JsonMaskEngine engine;
  private long fed;
  private boolean dead;
  private boolean finished;

  public JsonMaskingStream(
      CompiledProfile profile, MaskTokens tokens, JsonFactory factory, MaskLimits limits, ChunkSink sink)
      throws MaskingException {
    try {
      // the byte-array flavour parses markedly faster than the ByteBuffer one; heap chunks are
      // fed without a copy
      this.parser = factory.createNonBlockingByteArrayParser();
      this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
      this.out = new ChunkOutput(sink);
      this.gen = new CompactJsonWriter(out);
      this.engine = new JsonMaskEngine(profile, tokens, gen, factory, limits, 0, true);
    } catch (IOException e) {
      throw new MaskingException("cannot start JSON masking", e);
    }
  }

  @Override
  public void write(ByteBuffer chunk) throws MaskingException {
    alive();
    if (!chunk.hasRemaining()) {
      return;
    }
    int n = chunk.remaining();
    fed += n;
    step(() -> {
      if (chunk.hasArray()) {
        int start = chunk.arrayOffset() + chunk.position();
        feeder.feedInput(chunk.array(), start, start + n);
      } else {
        if (copy.length < n) {
          copy = new byte[Math.max(n, 8192)];
        }
        chunk.duplicate().get(copy, 0, n);
        feeder.feedInput(copy, 0, n);
      }
      chunk.position(chunk.limit());
      drain();
      out.emit();
    });
  }

  @Override
  public void finish() throws MaskingException {
    alive();
    finished = true;
    step(() -> {
      feeder.endOfInput();
      drain();
      engine.finish();
      out.emit();
    });
  }

  /** One parsing step; any failure kills the stream, so nothing more is ever emitted. */
  private void step(Step step) throws MaskingException {
    try {
      step.run();
    } catch (MaskingException e) {
      dead = true;
      throw e;
    } catch (IOException | RuntimeException e) {
      dead = true;
      throw failure(e);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws IOException;
  }

  @Override
  public int maskedCount() {
    return engine.maskedCount();
  }

  private void drain() throws IOException {
    JsonToken t;
    while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
      engine.onToken(t, parser);
      if (out.size() >= ChunkOutput.FLUSH_AT) {
        out.emit();
      }
    }
  }

  private void alive() throws MaskingException {
    if (dead) {
      throw new MaskingException("masking stream already failed; the body is withheld");
    }
    if (finished) {
      throw new MaskingException("masking stream already finished");
    }
  }

  /**
   * A message that never quotes the body: Jackson's own messages cite the offending token, which
   * could be a secret.
   */
  private MaskingException failure(Exception e) {
    String why =
        e instanceof StreamConstraintsException
            ? e.getMessage().split("\n")[0].trim()
            : "not valid JSON (" + e.getClass().getSimpleName() + ")";
    return new MaskingException("cannot mask response body near byte " + fed + ": " + why + "; body withheld");
  }
}

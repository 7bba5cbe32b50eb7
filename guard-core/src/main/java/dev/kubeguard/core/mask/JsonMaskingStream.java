package dev.kubeguard.core.mask;

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
 * bytes arrive, with Jackson's non-blocking parser. Bytes that are not masked pass through
 * verbatim (see {@link Splice}), so the output differs from the input only where a value was
 * masked, and each watch event goes downstream as soon as its last byte has been read. Holds the
 * input not yet decided: at most the current chunk and one unfinished token, or a held value
 * (bounded by {@link MaskLimits#maxHeldChars()}). Not thread-safe.
 */
final class JsonMaskingStream implements MaskingStream {

  private final OffsetJsonFactory.Parser parser;
  private final ByteArrayFeeder feeder;
  private final Splice sp;
  private final JsonMaskEngine engine;
  private long fed;
  private boolean dead;
  private boolean finished;

  public JsonMaskingStream(
      CompiledProfile profile, MaskTokens tokens, OffsetJsonFactory factory, MaskLimits limits, ChunkSink sink)
      throws MaskingException {
    // the byte-array flavour parses markedly faster than the ByteBuffer one
    this.parser = factory.createOffsetParser();
    this.feeder = parser;
    this.sp = new Splice(new ChunkOutput(sink));
    this.engine = new JsonMaskEngine(profile, tokens, sp, factory, limits, 0, null, null);
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
      int at = sp.append(chunk);
      feeder.feedInput(sp.array(), at, at + n);
      drain();
      flush();
    });
  }

  @Override
  public void finish() throws MaskingException {
    alive();
    finished = true;
    try {
      step(() -> {
        feeder.endOfInput();
        drain();
        engine.finish();
        sp.emitTo(sp.end());
      });
    } finally {
      release();
    }
  }

  /**
   * Hands the parser's buffers back to Jackson's recycler and the window and output to the
   * thread's spares, for the next body on this thread. Safe to call twice.
   */
  private void release() {
    try {
      parser.close();
    } catch (IOException | RuntimeException e) {
      // nothing to release then
    }
    engine.close();
    sp.release();
  }

  /** One parsing step; any failure kills the stream, so nothing more is ever emitted. */
  private void step(Step step) throws MaskingException {
    try {
      step.run();
    } catch (MaskingException e) {
      dead = true;
      release();
      throw e;
    } catch (IOException | RuntimeException e) {
      dead = true;
      release();
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
      long end = parser.tokenEnd();
      engine.onToken(t, parser, end);
      if (end - sp.copied() + sp.out.size() >= ChunkOutput.FLUSH_AT && !engine.holding()) {
        sp.emitTo(end);
      }
    }
  }

  /**
   * Sends on everything decided: up to the last token and the separators after it, which cannot
   * be part of a token still arriving; then drops the input no held value needs.
   */
  private void flush() throws MaskingException {
    if (!engine.holding()) {
      sp.emitTo(sp.valueStart(engine.lastEnd()));
    }
    sp.compact(engine.retainFrom());
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
    String msg = e.getMessage() == null ? "" : e.getMessage();
    String why =
        e instanceof StreamConstraintsException
            ? msg.split("\n")[0].trim()
            : msg.startsWith("Duplicate ")
                ? "an object has a duplicate key, which clients may read differently"
                : "not valid JSON (" + e.getClass().getSimpleName() + ")";
    return new MaskingException("cannot mask response body near byte " + fed + ": " + why + "; body withheld");
  }
}

package dev.kubeguard.core.mask;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Masks a JSON body (one object, a list, a Table, or a newline-delimited watch stream) as its
 * bytes arrive, with a {@link JsonScanner} over the input window. Bytes that are not masked pass
 * through verbatim (see {@link Splice}), so the output differs from the input only where a value
 * was masked, and each watch event goes downstream as soon as its last byte has been read. Holds the
 * input not yet decided: at most the current chunk and one unfinished token, or a held value
 * (bounded by {@link MaskLimits#maxHeldChars()}). Not thread-safe.
 */
final class JsonMaskingStream implements MaskingStream {

  private final JsonScanner scanner;
  private final Splice sp;
  private final JsonMaskEngine engine;
  private long fed;
  private boolean dead;
  private boolean finished;

  public JsonMaskingStream(
      CompiledProfile profile, MaskTokens tokens, MaskLimits limits, ChunkSink sink) {
    this.scanner = new JsonScanner(limits.maxHeldChars(), limits.maxDepth());
    this.sp = new Splice(new ChunkOutput(sink));
    this.engine = new JsonMaskEngine(profile, tokens, sp, limits, 0, null);
  }

  @Override
  public void write(ByteBuffer chunk) throws MaskingException {
    alive();
    if (!chunk.hasRemaining()) {
      return;
    }
    int n = chunk.remaining();
    fed += n;
    // No lambda around this: one capturing the chunk was an allocation per chunk.
    try {
      sp.append(chunk);
      scanner.input(sp.array(), sp.base(), sp.length());
      drain();
      flush();
    } catch (IOException | RuntimeException e) {
      throw died(e);
    }
  }

  @Override
  public void finish() throws MaskingException {
    alive();
    finished = true;
    try {
      scanner.endOfInput();
      drain();
      engine.finish();
      sp.emitTo(sp.end());
    } catch (IOException | RuntimeException e) {
      throw died(e);
    } finally {
      release();
    }
  }

  /**
   * Hands the window, output and text buffer to the spares, for the next body. Safe to call
   * twice.
   */
  private void release() {
    scanner.release();
    engine.close();
    sp.release();
  }

  /**
   * Any failure kills the stream, so nothing more is ever emitted: marks it dead, hands its
   * buffers back, and gives the failure to throw.
   */
  private MaskingException died(Exception e) {
    dead = true;
    release();
    return e instanceof MaskingException m ? m : failure(e);
  }

  @Override
  public int maskedCount() {
    return engine.maskedCount();
  }

  private void drain() throws IOException {
    int t;
    while ((t = scanner.next()) != JsonScanner.NOT_AVAILABLE && t != JsonScanner.END) {
      long end = scanner.tokenEnd();
      engine.onToken(t, scanner, end);
      if (end - sp.copied() + sp.out.size() >= ChunkOutput.FLUSH_AT && !engine.holding()) {
        sp.emitTo(end);
      }
    }
  }

  /**
   * Sends on everything decided: up to the last token and the separators after it, which cannot
   * be part of a token still arriving; then drops the input neither a held value nor the
   * unfinished token needs.
   */
  private void flush() throws MaskingException {
    if (!engine.holding()) {
      sp.emitTo(sp.valueStart(engine.lastEnd()));
    }
    sp.compact(Math.min(engine.retainFrom(), scanner.resumeFrom()));
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
   * A message that never quotes the body: only the scanner's and the engine's own reasons, which
   * are written not to, are passed on.
   */
  private MaskingException failure(Exception e) {
    String why =
        e instanceof JsonScanner.Malformed
            ? e.getMessage()
            : "not valid JSON (" + e.getClass().getSimpleName() + ")";
    return new MaskingException("cannot mask response body near byte " + fed + ": " + why + "; body withheld");
  }
}

package dev.kubeguard.core.mask;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.internal.SharedSlots;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Masks a JSON body (one object, a list, a Table, or a newline-delimited watch stream) as its
 * bytes arrive, with a {@link JsonScanner} over the input window. Bytes that are not masked pass
 * through verbatim (see {@link Splice}), so the output differs from the input only where a value
 * was masked, and each watch event goes downstream as soon as its last byte has been read. Holds the
 * input not yet decided: at most the current chunk and one unfinished token, or a held value
 * (bounded by {@link MaskLimits#maxHeldChars()}).
 *
 * <p>What it masks with (its {@link Parts}) comes from, and after a body that finished cleanly
 * goes back to, the masker's spares: a small response would otherwise pay more for a new scanner,
 * engine and tokens than for masking itself. A stream that failed or was never finished keeps its
 * parts, which are then garbage, so a part in an unknown state is never lent again; a stream that
 * gave its parts back refuses every later call. Not thread-safe.
 */
final class JsonMaskingStream implements MaskingStream {

  private final SharedSlots<Parts> spare;
  private Parts parts; // null once given back
  private JsonScanner scanner;
  private Splice sp;
  private JsonMaskEngine engine;
  private long fed;
  private int maskedAtEnd;
  private boolean dead;
  private boolean finished;

  /**
   * A stream over parts from {@code spare} (made anew when none is kept) that goes back there
   * once the body finishes cleanly.
   */
  static JsonMaskingStream open(
      CompiledProfile profile, MaskTokens.Keyed key, MaskLimits limits, SharedSlots<Parts> spare, ChunkSink sink) {
    Parts p = spare.take();
    if (p == null) {
      p = new Parts(profile, key, limits);
    }
    p.sp.out.aim(sink);
    return new JsonMaskingStream(p, spare);
  }

  private JsonMaskingStream(Parts parts, SharedSlots<Parts> spare) {
    this.parts = parts;
    this.spare = spare;
    this.scanner = parts.scanner;
    this.sp = parts.sp;
    this.engine = parts.engine;
  }

  /**
   * A stream's scanner, window and output, and engine (with the tokens and the parts it masks
   * embedded JSON with), as new ones are once {@link #putAway() put away}. One stream's at a time.
   */
  static final class Parts {
    final JsonScanner scanner;
    final Splice sp;
    final JsonMaskEngine engine;

    Parts(CompiledProfile profile, MaskTokens.Keyed key, MaskLimits limits) {
      this.scanner = new JsonScanner(limits.maxHeldChars(), limits.maxDepth());
      this.sp = new Splice(new ChunkOutput(null));
      this.engine = new JsonMaskEngine(profile, MaskTokens.kept(key), sp, limits, 0, null);
    }

    /**
     * Back to their state when new, holding no buffer (those went to the spares when the stream
     * released them) and no sink.
     */
    void putAway() {
      scanner.restart();
      sp.restart();
      sp.out.aim(null);
      engine.reopen();
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
      maskedAtEnd = engine.maskedCount();
    } catch (IOException | RuntimeException e) {
      throw died(e);
    }
    release();
    giveBack();
  }

  // Reached only after a clean finish: every way out of a failure keeps the parts from the spares.
  private void giveBack() {
    Parts p = parts;
    parts = null;
    scanner = null;
    sp = null;
    engine = null;
    p.putAway();
    spare.give(p);
  }

  /**
   * Hands the window, output and text buffer to the spares, for the next body. Safe to call
   * twice.
   */
  private void release() {
    if (parts == null) {
      return;
    }
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
    return parts == null ? maskedAtEnd : engine.maskedCount();
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

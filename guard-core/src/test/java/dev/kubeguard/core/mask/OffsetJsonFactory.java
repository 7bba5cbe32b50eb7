package dev.kubeguard.core.mask;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.async.NonBlockingJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;

/**
 * A {@link JsonFactory} whose non-blocking byte-array parsers also say where the current token
 * ends without allocating: {@code currentLocation()} builds a {@code JsonLocation} per call,
 * which the masker would do once per token (it was 80-90% of the bytes the masker allocated).
 * The parser is Jackson's own {@link NonBlockingJsonParser}; the subclass only reads its offset.
 * Immutable once built and thread-safe, as {@link JsonFactory} is; each parser is not.
 */
@SuppressWarnings("serial")
final class OffsetJsonFactory extends JsonFactory {

  OffsetJsonFactory(JsonFactoryBuilder b) {
    super(b);
  }

  /** What {@code createNonBlockingByteArrayParser()} builds, with {@link Parser#tokenEnd()}. */
  Parser createOffsetParser() {
    IOContext ctxt = _createNonBlockingContext(null);
    ByteQuadsCanonicalizer can = _byteSymbolCanonicalizer.makeChildOrPlaceholder(_factoryFeatures);
    return new Parser(ctxt, _parserFeatures, can);
  }

  /** Jackson's non-blocking parser, with the end offset of its current token. Not thread-safe. */
  static final class Parser extends NonBlockingJsonParser {

    Parser(IOContext ctxt, int parserFeatures, ByteQuadsCanonicalizer sym) {
      super(ctxt, parserFeatures, sym);
    }

    /**
     * The absolute input offset just past the current token: what
     * {@code currentLocation().getByteOffset()} reports, computed the same way.
     */
    long tokenEnd() {
      return _currInputProcessed + (_inputPtr - _currBufferStart);
    }
  }
}

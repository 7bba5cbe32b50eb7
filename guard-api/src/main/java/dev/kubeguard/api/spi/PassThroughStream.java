package dev.kubeguard.api.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/** The {@code none} profile: chunks go downstream untouched, as they come. Not thread-safe. */
final class PassThroughStream implements MaskingStream {
  private final ChunkSink sink;

  PassThroughStream(ChunkSink sink) {
    this.sink = sink;
  }

  @Override
  public void write(ByteBuffer chunk) throws MaskingException {
    try {
      sink.accept(chunk);
    } catch (MaskingException e) {
      throw e;
    } catch (IOException e) {
      throw new MaskingException("downstream refused bytes: " + e.getMessage(), e);
    }
    chunk.position(chunk.limit());
  }

  @Override
  public void finish() {}

  @Override
  public int maskedCount() {
    return 0;
  }
}

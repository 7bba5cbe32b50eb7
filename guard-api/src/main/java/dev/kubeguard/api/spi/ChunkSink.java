package dev.kubeguard.api.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a {@link MaskingStream} writes masked bytes. The buffer is only valid during the call: a
 * sink that keeps the bytes copies them. Called on the thread that called
 * {@link MaskingStream#write} or {@link MaskingStream#finish}.
 */
@FunctionalInterface
public interface ChunkSink {
  void accept(ByteBuffer chunk) throws IOException;
}

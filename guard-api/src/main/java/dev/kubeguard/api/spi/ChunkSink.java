package dev.kubeguard.api.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a {@link MaskingStream} writes masked bytes. The buffer is only valid during the call: a
 * sink that keeps the bytes copies them. Called on the thread that called
 * {@link MaskingStream#write} or {@link MaskingStream#finish}.
 *
 * <p><b>Blocking:</b> may block to apply backpressure; the adapter that supplies it bounds how long
 * (its HTTP client's timeouts). <b>Failure:</b> an {@link IOException} ends the body: the stream
 * rethrows it as a {@link MaskingException} and the rest of the body is withheld.
 */
@FunctionalInterface
public interface ChunkSink {
  void accept(ByteBuffer chunk) throws IOException;
}

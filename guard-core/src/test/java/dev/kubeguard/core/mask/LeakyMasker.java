package dev.kubeguard.core.mask;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only fault injection for the memory harness: a real masker whose streams also keep a copy
 * of every {@code every}-th chunk written to them, for as long as the stream lives. Its output is
 * the real masker's; only its memory grows with the body, as a buggy masker's would, so a harness
 * that passes it cannot tell constant memory from growth. Not thread-safe beyond its delegate.
 */
public final class LeakyMasker implements Masker {

  private final Masker delegate;
  private final int every;

  public LeakyMasker(Masker delegate, int every) {
    this.delegate = delegate;
    this.every = every;
  }

  @Override
  public boolean knowsProfile(String profile) {
    return delegate.knowsProfile(profile);
  }

  @Override
  public MaskingStream open(MaskingContext context, ChunkSink downstream) throws MaskingException {
    MaskingStream real = delegate.open(context, downstream);
    return new MaskingStream() {
      private final List<byte[]> kept = new ArrayList<>();
      private long chunks;

      @Override
      public void write(ByteBuffer chunk) throws MaskingException {
        if (++chunks % every == 0) {
          byte[] copy = new byte[chunk.remaining()];
          chunk.duplicate().get(copy);
          kept.add(copy);
        }
        real.write(chunk);
      }

      @Override
      public void finish() throws MaskingException {
        real.finish();
      }

      @Override
      public int maskedCount() {
        return real.maskedCount();
      }
    };
  }
}

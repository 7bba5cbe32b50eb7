package dev.kubeguard.fabric8;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streaming test masker: replaces every {@value #MARKER} with {@value #MASK} (same length), holding
 * back a carry so a marker split across chunks is still caught. Counts the chunks it is fed.
 */
final class MarkerMasker implements Masker {

  static final String MARKER = "s3cr3t";
  static final String MASK = "******";
  private static final byte[] M = MARKER.getBytes(StandardCharsets.UTF_8);
  private static final byte[] R = MASK.getBytes(StandardCharsets.UTF_8);

  final AtomicInteger chunks = new AtomicInteger();
  volatile boolean failMidStream;

  @Override
  public MaskingStream open(MaskingContext context, ChunkSink downstream) {
    return new MaskingStream() {
      byte[] carry = new byte[0];
      int masked;

      @Override
      public void write(ByteBuffer chunk) throws MaskingException {
        chunks.incrementAndGet();
        if (failMidStream) {
          throw new MaskingException("test masker refuses this body");
        }
        byte[] in = new byte[carry.length + chunk.remaining()];
        System.arraycopy(carry, 0, in, 0, carry.length);
        chunk.get(in, carry.length, chunk.remaining());
        int keep = Math.min(in.length, M.length - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < in.length - keep) {
          if (matches(in, i)) {
            out.write(R, 0, R.length);
            masked++;
            i += M.length;
          } else {
            out.write(in[i++]);
          }
        }
        carry = Arrays.copyOfRange(in, i, in.length);
        emit(out.toByteArray());
      }

      @Override
      public void finish() throws MaskingException {
        emit(carry);
        carry = new byte[0];
      }

      @Override
      public int maskedCount() {
        return masked;
      }

      private void emit(byte[] bytes) throws MaskingException {
        if (bytes.length == 0) {
          return;
        }
        try {
          downstream.accept(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
          throw new MaskingException("downstream failed", e);
        }
      }
    };
  }

  private static boolean matches(byte[] in, int at) {
    if (at + M.length > in.length) {
      return false;
    }
    for (int j = 0; j < M.length; j++) {
      if (in[at + j] != M[j]) {
        return false;
      }
    }
    return true;
  }
}

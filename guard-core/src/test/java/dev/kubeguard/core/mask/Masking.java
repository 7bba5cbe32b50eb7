package dev.kubeguard.core.mask;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

/** Test helper: masks whole bodies or bodies cut into chunks, through the real SPI. */
public final class Masking {

  public static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

  public static DefaultMasker masker() {
    return DefaultMasker.builder().key(KEY).build();
  }

  public static AccessRequest request(String verb, String resource, String subresource) {
    return AccessRequest.forAttributes(
        Identity.of("alice"),
        Attributes.resource(verb, "", "v1", resource, subresource, "shop", ""),
        CallContext.now());
  }

  public record Result(byte[] body, int masked) {
    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public static Result mask(Masker m, String profile, String contentType, byte[] body) throws MaskingException {
    return mask(m, profile, contentType, body, null);
  }

  /** Masks {@code body} in chunks of 1..8192 bytes drawn from {@code random} (whole when null). */
  public static Result mask(Masker m, String profile, String contentType, byte[] body, Random random)
      throws MaskingException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MaskingStream s =
        m.open(
            new MaskingContext(
                profile,
                contentType,
                // text is only read where Kubernetes answers text
                contentType.startsWith("text/") ? request("get", "pods", "log") : request("get", "secrets", "")),
            chunk -> {
              byte[] b = new byte[chunk.remaining()];
              chunk.get(b);
              out.write(b);
            });
    int i = 0;
    while (i < body.length) {
      int n = random == null ? body.length : Math.min(body.length - i, 1 + random.nextInt(random.nextBoolean() ? 16 : 8192));
      ByteBuffer chunk = ByteBuffer.wrap(body, i, n);
      s.write(chunk);
      if (chunk.hasRemaining()) {
        throw new AssertionError("stream left bytes unconsumed");
      }
      i += n;
    }
    s.finish();
    return new Result(out.toByteArray(), s.maskedCount());
  }

  private Masking() {}
}

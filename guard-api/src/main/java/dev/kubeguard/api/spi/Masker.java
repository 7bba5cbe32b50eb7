package dev.kubeguard.api.spi;

/**
 * Masks sensitive values in response bodies as they stream.
 *
 * <p>Push-based so it fits both a pull-based OkHttp body (read upstream, write into the stream,
 * drain the sink) and a push-based fabric8 consumer (chunks arrive, forwarded to the sink).
 *
 * <p><b>Threading:</b> {@link #open} is called concurrently and must be thread-safe; each
 * returned {@link MaskingStream} serves one body. <b>Blocking:</b> {@code open} must not block (no
 * I/O): it runs on the thread that received the response headers. <b>Failure:</b> {@code open} throws
 * {@link MaskingException} for a body it cannot read (protobuf, CBOR, an unknown content type
 * under a profile that masks): the adapter then withholds the body and answers an error Status.
 *
 * <p><b>Write-backs:</b> the Guard refuses a write whose body carries the built-in tokens
 * ({@code kubeguard-masked:<16 hex>}, plain or base64), so a client writing back what it read
 * cannot store them over the real values. It knows only that format: a masker writing tokens of
 * its own must keep them from being written back itself. The Guard also runs what it records of a
 * request (bodies, query values) through this masker, as JSON.
 */
@FunctionalInterface
public interface Masker {

  /** Starts masking one body whose masked bytes go to {@code downstream}. */
  MaskingStream open(MaskingContext context, ChunkSink downstream) throws MaskingException;

  /**
   * Whether this masker can mask under {@code profile}. The Guard asks before forwarding, so a
   * decision naming a profile the masker lacks is denied before the request reaches the server
   * (a write would otherwise execute and only its response be withheld). The default says yes and
   * leaves the refusal to {@link #open}; maskers with named profiles should answer exactly.
   * Thread-safe, non-blocking.
   */
  default boolean knowsProfile(String profile) {
    return true;
  }

  /**
   * A masker that masks nothing: every chunk goes downstream untouched, whatever its content type
   * (the {@code none} profile). Its streams never block beyond the downstream sink.
   */
  static Masker passThrough() {
    return (context, downstream) -> new PassThroughStream(downstream);
  }
}

package dev.kubeguard.okhttp.internal;

import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import okio.Okio;

/**
 * A response body whose bytes come masked from a {@link MaskingSource} as the caller reads them.
 * Its length is unknown until the end (masking changes it). Like any OkHttp body: one reader,
 * closed once.
 */
final class MaskedResponseBody extends ResponseBody {
  private final MediaType contentType;
  private final BufferedSource source;

  MaskedResponseBody(MediaType contentType, MaskingSource source) {
    this.contentType = contentType;
    this.source = Okio.buffer(source);
  }

  @Override
  public MediaType contentType() {
    return contentType;
  }

  @Override
  public long contentLength() {
    return -1;
  }

  @Override
  public BufferedSource source() {
    return source;
  }
}

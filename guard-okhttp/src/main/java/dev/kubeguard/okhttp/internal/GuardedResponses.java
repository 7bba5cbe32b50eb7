package dev.kubeguard.okhttp.internal;

import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.core.ResponseStream;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.Verdict;
import java.io.IOException;
import okhttp3.Response;
import okio.Buffer;

/** Routes an allowed request's response through the Guard's masking and recording. Stateless. */
public final class GuardedResponses {

  /**
   * The response the caller gets: the body masked as it streams, or, when the masker cannot read
   * it, a 500 Status in its place (the original body closed unread).
   */
  public static Response guard(Guard guard, Verdict verdict, Response response) throws IOException {
    if (!hasBody(response)) {
      return bodiless(guard, verdict, response);
    }
    Buffer masked = new Buffer();
    ResponseStream stream;
    try {
      stream = guard.openResponse(verdict, response.code(), response.header("Content-Type"),
          response.header("Content-Encoding"), masked::write);
    } catch (MaskingException e) {
      response.close();
      return SyntheticResponses.withheld(response, e.getMessage());
    }
    MaskingSource source = new MaskingSource(response.body().source(), stream, masked);
    return response.newBuilder()
        .removeHeader("Content-Length")
        .body(new MaskedResponseBody(response.body().contentType(), source))
        .build();
  }

  // A 101 (WebSocket), 204, 304 or HEAD answer has no body: the Guard records it as complete
  // without a masker, and a WebSocket's frames are left untouched.
  private static Response bodiless(Guard guard, Verdict verdict, Response response) throws IOException {
    try {
      guard.openResponse(verdict, response.code(), response.header("Content-Type"), null, chunk -> {}).finish();
    } catch (MaskingException e) {
      response.close();
      return SyntheticResponses.withheld(response, e.getMessage());
    }
    return response;
  }

  private static boolean hasBody(Response response) {
    int code = response.code();
    if (response.request().method().equals("HEAD") || code == 204 || code == 304 || (code >= 100 && code < 200)) {
      return false;
    }
    return true;
  }

  private GuardedResponses() {}
}

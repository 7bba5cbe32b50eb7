package dev.kubeguard.opa.internal.transport;

import dev.kubeguard.opa.OpaRequest;
import dev.kubeguard.opa.OpaResponse;
import dev.kubeguard.opa.OpaTransport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The default {@link OpaTransport}: one shared {@link HttpClient} (HTTP/1.1, redirects never
 * followed so a bearer token never travels to another host), the whole exchange bounded by the
 * request's timeout, the answer bounded in size. Thread-safe.
 */
public final class JdkHttpTransport implements OpaTransport {

  private final HttpClient client;
  private final int maxAnswerBytes;

  public JdkHttpTransport(Duration connectTimeout, int maxAnswerBytes) {
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.maxAnswerBytes = maxAnswerBytes;
  }

  @Override
  public OpaResponse post(OpaRequest request) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(request.uri())
            .timeout(request.timeout())
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach(b::header);
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(b.build(), info -> new BoundedBodySubscriber(maxAnswerBytes));
    try {
      // HttpRequest.timeout stops at the response headers; this bounds the body too.
      HttpResponse<byte[]> response = call.get(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
      return new OpaResponse(response.statusCode(), response.body());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new HttpTimeoutException("request timed out after " + request.timeout().toMillis() + " ms");
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for OPA");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause == null ? "OPA call failed" : cause.toString(), cause);
    }
  }
}

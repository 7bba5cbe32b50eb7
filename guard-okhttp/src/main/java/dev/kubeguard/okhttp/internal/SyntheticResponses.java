package dev.kubeguard.okhttp.internal;

import dev.kubeguard.core.GuardedExchange;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Responses the interceptor answers itself from the exchange's bytes, shaped as kube-apiserver's
 * so clients raise their usual errors. Stateless.
 */
public final class SyntheticResponses {

  private static final MediaType JSON = MediaType.get("application/json");

  /** The exchange's denial: its status code and {@code v1 Status} body; the server is never called. */
  public static Response denied(Request request, GuardedExchange exchange) {
    long now = System.currentTimeMillis();
    return new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(exchange.statusCode())
        .message("Forbidden")
        .header("Content-Type", JSON.toString())
        .header("Audit-Id", exchange.auditId())
        .body(ResponseBody.create(exchange.statusBody(), JSON))
        .sentRequestAtMillis(now)
        .receivedResponseAtMillis(now)
        .build();
  }

  /** Replaces a response whose body had to be withheld with the exchange's {@code Status}. */
  public static Response withheld(Response original, GuardedExchange.Reply.Withhold w) {
    MediaType type = MediaType.get(w.contentType());
    return original.newBuilder()
        .code(w.code())
        .message("Internal Server Error")
        .removeHeader("Content-Length")
        .removeHeader("Content-Encoding")
        .header("Content-Type", type.toString())
        .body(ResponseBody.create(w.body(), type))
        .build();
  }

  private SyntheticResponses() {}
}

package dev.kubeguard.okhttp.internal;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.KubeStatus;
import dev.kubeguard.core.Verdict;
import java.util.Locale;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Responses the interceptor answers itself, shaped as kube-apiserver's so clients raise their
 * usual errors. Stateless.
 */
public final class SyntheticResponses {

  private static final MediaType JSON = MediaType.get("application/json");

  /** The Guard's denial: its status code and {@code v1 Status} body; the server is never called. */
  public static Response denied(Request request, Verdict verdict) {
    return status(request, verdict.httpStatus(), "Forbidden", verdict.statusBody())
        .header("Audit-Id", verdict.auditId())
        .build();
  }

  /**
   * A denial the interceptor makes before the Guard can judge the request (a body it cannot
   * read, an identity source that failed). Logged by the caller of this method, not recorded by
   * the Guard, which never saw the request.
   */
  public static Response refused(Request request, Identity identity, String reason) {
    String user = identity == null ? "system:anonymous" : identity.user();
    Attributes about = Attributes.nonResource(request.method().toLowerCase(Locale.ROOT), request.url().encodedPath());
    return status(request, 403, "Forbidden", KubeStatus.forbidden(user, about, "kubeguard: " + reason)).build();
  }

  /** Replaces a response whose body had to be withheld with a 500 InternalError Status. */
  public static Response withheld(Response original, String reason) {
    return original.newBuilder()
        .code(500)
        .message("Internal Server Error")
        .removeHeader("Content-Length")
        .removeHeader("Content-Encoding")
        .header("Content-Type", JSON.toString())
        .body(ResponseBody.create(KubeStatus.internalError("kubeguard: response withheld: " + reason), JSON))
        .build();
  }

  private static Response.Builder status(Request request, int code, String message, byte[] body) {
    long now = System.currentTimeMillis();
    return new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(code)
        .message(message)
        .header("Content-Type", JSON.toString())
        .body(ResponseBody.create(body, JSON))
        .sentRequestAtMillis(now)
        .receivedResponseAtMillis(now);
  }

  private SyntheticResponses() {}
}

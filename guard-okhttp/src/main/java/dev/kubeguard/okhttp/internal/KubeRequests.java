package dev.kubeguard.okhttp.internal;

import dev.kubeguard.api.KubeRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.HttpUrl;
import okhttp3.Request;

/** Turns an OkHttp {@link Request} into the {@link KubeRequest} the Guard judges. Stateless. */
public final class KubeRequests {

  /**
   * The request as it goes on the wire: the origin-form target exactly as OkHttp writes it
   * (encoded path and query, never the decoded forms, since the Guard must read the URL as
   * kube-apiserver does), the headers (credentials are dropped by {@link KubeRequest}), the body's
   * content type when only the body carries it, and the complete body.
   */
  public static KubeRequest of(Request request, BufferedRequestBody body) {
    HttpUrl url = request.url();
    String query = url.encodedQuery();
    String target = query == null ? url.encodedPath() : url.encodedPath() + "?" + query;
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(request.headers().toMultimap());
    if (body.contentType() != null && !headers.containsKey("Content-Type")) {
      // OkHttp adds it from the body below application interceptors; the policy needs it now
      // (a patch's type decides how it applies).
      headers.put("Content-Type", List.of(body.contentType().toString()));
    }
    return new KubeRequest(request.method(), target, headers, body.raw());
  }

  private KubeRequests() {}
}

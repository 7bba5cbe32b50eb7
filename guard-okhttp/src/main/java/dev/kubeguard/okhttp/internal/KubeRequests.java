package dev.kubeguard.okhttp.internal;

import dev.kubeguard.api.KubeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.Headers;
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
    Map<String, List<String>> headers = multimap(request.headers());
    if (body.contentType() != null && !headers.containsKey("Content-Type")) {
      // OkHttp adds it from the body below application interceptors; the policy needs it now
      // (a patch's type decides how it applies).
      headers.put("Content-Type", List.of(body.contentType().toString()));
    }
    return new KubeRequest(request.method(), target(request.url()), headers, body.raw());
  }

  /** The request without its body, for refusals made because the body could not be read. */
  public static KubeRequest withoutBody(Request request) {
    return new KubeRequest(request.method(), target(request.url()), multimap(request.headers()), null);
  }

  // What Headers.toMultimap() gives (lower-cased names, values in order), read case-insensitively,
  // built in one map instead of OkHttp's map copied into ours.
  private static Map<String, List<String>> multimap(Headers headers) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0, n = headers.size(); i < n; i++) {
      String name = headers.name(i).toLowerCase(Locale.US);
      List<String> values = map.get(name);
      if (values == null) {
        values = new ArrayList<>(1);
        map.put(name, values);
      }
      values.add(headers.value(i));
    }
    return map;
  }

  private static String target(HttpUrl url) {
    String query = url.encodedQuery();
    return query == null ? url.encodedPath() : url.encodedPath() + "?" + query;
  }

  private KubeRequests() {}
}

package dev.kubeguard.approval.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain HTTP client for the page's tests: follows no redirects and keeps cookies only when told
 * ({@link #keep}), so tests see exactly what the server sends. Not thread-safe.
 */
final class Http {

  private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final URI root;
  final Map<String, String> cookies = new LinkedHashMap<>();

  /** {@code root} is the server's origin; paths are absolute ({@code /kubeguard/approvals/...}). */
  Http(URI root) {
    this.root = root.resolve("/");
  }

  HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    return send(request(path, headers).GET());
  }

  HttpResponse<String> post(String path, String contentType, String body, String... headers) throws IOException, InterruptedException {
    return send(request(path, headers).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> postJson(String path, String token, String body) throws IOException, InterruptedException {
    return token == null ? post(path, "application/json", body) : post(path, "application/json", body, "Authorization", "Bearer " + token);
  }

  HttpResponse<String> getJson(String path, String token) throws IOException, InterruptedException {
    return token == null ? get(path) : get(path, "Authorization", "Bearer " + token);
  }

  /** Keeps the cookies {@code r} sets (as a browser would), dropping those it expires. */
  HttpResponse<String> keep(HttpResponse<String> r) {
    for (String c : r.headers().allValues("Set-Cookie")) {
      String pair = c.split(";", 2)[0];
      String name = pair.substring(0, pair.indexOf('='));
      String value = pair.substring(pair.indexOf('=') + 1);
      if (c.contains("Max-Age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return r;
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (!cookies.isEmpty()) {
      StringBuilder c = new StringBuilder();
      cookies.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
      b.header("Cookie", c.toString());
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}

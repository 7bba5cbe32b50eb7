package dev.kubeguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The approval server's JSON API as an approver's CLI calls it: {@code POST
 * {base}/api/approvals/{id}/approve} with {@code {"comment"}} and {@code .../deny} with
 * {@code {"reason"}}, the approver's bearer token in {@code Authorization}. The base is
 * {@code --approvals-url}, or derived from the object's {@code spec.answerUrl} (the request's page,
 * {@code {base}/{id}}).
 *
 * <p>The token goes only to an {@code https} URL, or plain {@code http} on a loopback address (a
 * {@code kubectl port-forward}); redirects are never followed, so it goes nowhere else. Response
 * bodies are read up to 64 KiB. Each call is independent; safe to use from one thread at a time.
 */
final class ApprovalServer {

  /** A URL where the token may not go, or one that names no approval server; the message says what to pass. */
  static final class BadUrlException extends Exception {
    private static final long serialVersionUID = 1L;

    BadUrlException(String message) {
      super(message);
    }
  }

  /** What the server said: its status and, for a 200, the answer; otherwise its {@code message}. */
  record Reply(int status, String id, String state, String answeredBy, String message) {
    boolean ok() {
      return status == 200;
    }
  }

  private static final int MAX_BODY = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Duration timeout;
  private final HttpClient http;

  ApprovalServer(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER);
    if (!timeout.isZero()) {
      b.connectTimeout(timeout);
    }
    this.http = b.build();
  }

  /** The base URL, as printed to say where the answer went. */
  URI base() {
    return base;
  }

  /** From {@code --approvals-url}: the base ({@code https://host/kubeguard/approvals}); a trailing {@code /api/approvals} is dropped. */
  static URI fromFlag(String url) throws BadUrlException {
    URI u = checked(url, "--approvals-url");
    String path = stripSlashes(u.getRawPath());
    if (path.endsWith("/api/approvals")) {
      path = path.substring(0, path.length() - "/api/approvals".length());
    }
    return withPath(u, path);
  }

  /**
   * From the object's {@code spec.answerUrl}: guard-approval-web's page of the request,
   * {@code {base}/approvals/{id}}, or its API URL {@code {base}/api/approvals/{id}}, gives
   * {@code {base}}. Any other shape is refused rather than guessed at: the token would go there.
   */
  static URI fromAnswerUrl(String answerUrl, String id) throws BadUrlException {
    URI u = checked(answerUrl, "the approval's answer URL");
    String path = stripSlashes(u.getRawPath());
    for (String tail : new String[] {"/api/approvals/" + id, "/approvals/" + id}) {
      if (path.endsWith(tail)) {
        return withPath(u, path.substring(0, path.length() - tail.length()));
      }
    }
    throw new BadUrlException("the approval's answer URL " + Printable.line(answerUrl)
        + " is not the page of approval " + id + " ({base}/approvals/" + Printable.line(id)
        + "): pass --approvals-url with the approval server's base URL");
  }

  private static URI checked(String url, String what) throws BadUrlException {
    URI u;
    try {
      u = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new BadUrlException(what + " " + Printable.line(url) + " is not a URL: pass --approvals-url https://HOST/PATH");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!u.isAbsolute() || u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new BadUrlException(what + " " + Printable.line(url)
          + " is not an http(s) URL of an approval server: pass --approvals-url https://HOST/PATH");
    }
    if (u.getRawUserInfo() != null) {
      throw new BadUrlException(what + " carries a user name or password; give it without (the token proves who you are)");
    }
    if (scheme.equals("http") && !loopback(u.getHost())) {
      throw new BadUrlException(what + " " + Printable.line(url) + " is plain http to another host: your token would "
          + "travel unencrypted; use the server's https URL (or port-forward it to localhost) with --approvals-url");
    }
    return u;
  }

  private static boolean loopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Only literal addresses: a name is not resolved to decide where a token may go.
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  private static String stripSlashes(String path) {
    String p = path == null ? "" : path;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static URI withPath(URI u, String rawPath) {
    // Query and fragment are dropped: the API's paths are fixed below the base.
    return URI.create(u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getRawAuthority() + rawPath);
  }

  /**
   * Sends one answer. Never retried: an answer is not idempotent for the server (a second one is a
   * 409), and the approver can look at the state and answer again.
   *
   * @param text the comment (approve) or reason (deny)
   * @throws IOException when the server cannot be reached or does not answer in time
   */
  Reply answer(String id, boolean approve, String text, String token) throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put(approve ? "comment" : "reason", text).toString();
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/api/approvals/" + id + (approve ? "/approve" : "/deny")))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (!timeout.isZero()) {
      req.timeout(timeout);
    }
    HttpResponse<InputStream> res;
    try {
      res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new IOException("no answer from the approval server at " + base + " within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new IOException("cannot reach the approval server at " + base + ": " + e, e);
    }
    byte[] bytes;
    try (InputStream in = res.body()) {
      bytes = in.readNBytes(MAX_BODY);
    }
    JsonNode n;
    try {
      n = JSON.readTree(bytes);
    } catch (IOException notJson) {
      n = null;
    }
    n = n == null ? JSON.createObjectNode() : n;
    return new Reply(res.statusCode(), n.path("id").asText(""), n.path("state").asText(""),
        n.path("answeredBy").asText(""), n.path("message").asText(""));
  }
}

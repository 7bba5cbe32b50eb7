package dev.kubeguard.approval.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP answer, before a server writes it: status, headers (a name may repeat, as
 * {@code Set-Cookie} does) and body. Built by one thread, then read; not thread-safe.
 */
final class WebResponse {

  final int status;
  final Map<String, List<String>> headers = new LinkedHashMap<>();
  final byte[] body;

  private WebResponse(int status, String contentType, byte[] body) {
    this.status = status;
    this.body = body;
    if (contentType != null) {
      header("Content-Type", contentType);
    }
  }

  static WebResponse html(int status, String html) {
    return new WebResponse(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  static WebResponse json(int status, String json) {
    return new WebResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  static WebResponse bytes(int status, String contentType, byte[] body) {
    return new WebResponse(status, contentType, body);
  }

  /** A 303 See Other: after a form POST the browser GETs {@code location}. */
  static WebResponse redirect(String location) {
    WebResponse r = new WebResponse(303, null, new byte[0]);
    r.header("Location", location);
    return r;
  }

  WebResponse header(String name, String value) {
    headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    return this;
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}

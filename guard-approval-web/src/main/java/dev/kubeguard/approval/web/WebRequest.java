package dev.kubeguard.approval.web;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as the page and API see it, whichever server carried it (a servlet
 * container or the JDK server). Immutable.
 *
 * @param base the absolute path the page is mounted at, without a trailing slash ({@code /kubeguard/approvals})
 * @param path the raw path below {@code base}, starting with {@code /} ({@code /} for the base itself)
 * @param query the raw query string, {@code ""} when none
 * @param headers request headers, names lower-cased, first value only
 * @param cookies request cookies by name
 * @param body the request body, at most {@link ApprovalWeb#MAX_BODY_BYTES}; {@code bodyTooLarge} says when more was sent
 * @param secure whether the request came over HTTPS (the session cookie is then {@code Secure})
 * @param remoteAddress the peer address, for the audit trail
 */
record WebRequest(String method, String base, String path, String query, Map<String, String> headers, Map<String, String> cookies,
    byte[] body, boolean bodyTooLarge, boolean secure, String remoteAddress) {

  WebRequest {
    Objects.requireNonNull(method, "method");
    base = base == null ? "" : base;
    path = path == null || path.isEmpty() ? "/" : path;
    query = query == null ? "" : query;
    headers = Map.copyOf(headers);
    cookies = Map.copyOf(cookies);
    body = body == null ? new byte[0] : body;
    remoteAddress = remoteAddress == null ? "" : remoteAddress;
  }

  String header(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
  }

  /** The first value of query parameter {@code name}, decoded, or {@code ""}. */
  String queryParam(String name) {
    return Forms.parse(query).getOrDefault(name, "");
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  // The body is left out on purpose: it may hold a bearer token (the sign-in form).
  @Override
  public String toString() {
    return "WebRequest[" + method + " " + base + path + "]";
  }
}

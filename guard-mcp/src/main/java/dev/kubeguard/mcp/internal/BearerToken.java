package dev.kubeguard.mcp.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Where a bearer token may come from: exactly one {@code Authorization: Bearer} header (RFC 6750
 * section 2.1). Tokens in the query string or a form body are refused, because URLs end up in
 * logs and browser history (MCP authorization spec). Stateless.
 */
public final class BearerToken {
  private BearerToken() {}

  /** What the request carries. */
  public enum Kind {
    /** No Authorization header. */
    MISSING,
    /** An Authorization header that is not a single well-formed Bearer credential. */
    MALFORMED,
    /** A token outside the Authorization header. */
    MISPLACED,
    /** A single bearer token in the header. */
    PRESENT
  }

  /**
   * The result of looking for a token.
   *
   * @param kind what was found
   * @param token the token when {@code kind} is {@link Kind#PRESENT}, else {@code null}
   */
  public record Found(Kind kind, String token) {}

  /** Finds the bearer token of {@code request}. */
  public static Found find(HttpServletRequest request) {
    if (tokenInQuery(request.getQueryString()) || tokenInForm(request)) {
      return new Found(Kind.MISPLACED, null);
    }
    List<String> headers = Collections.list(request.getHeaders("Authorization"));
    if (headers.isEmpty()) {
      return new Found(Kind.MISSING, null);
    }
    if (headers.size() > 1) {
      return new Found(Kind.MALFORMED, null);
    }
    String value = headers.get(0);
    if (value.length() < 8 || !value.substring(0, 7).equalsIgnoreCase("Bearer ")) {
      return new Found(Kind.MALFORMED, null);
    }
    String token = value.substring(7).strip();
    if (token.isEmpty() || token.indexOf(' ') >= 0) {
      return new Found(Kind.MALFORMED, null);
    }
    return new Found(Kind.PRESENT, token);
  }

  private static boolean tokenInQuery(String query) {
    if (query == null) {
      return false;
    }
    for (String pair : query.split("&")) {
      String name = pair.split("=", 2)[0].toLowerCase(Locale.ROOT);
      if (name.equals("access_token") || name.equals("access%5ftoken")) {
        return true;
      }
    }
    return false;
  }

  private static boolean tokenInForm(HttpServletRequest request) {
    String type = request.getContentType();
    // Only a form body can carry access_token; reading it consumes a body MCP never sends as a form.
    return type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
        && request.getParameter("access_token") != null;
  }
}

package dev.kubeguard.core.classify;


/**
 * A request target read the way Go's HTTP server reads it ({@code url.ParseRequestURI}): the
 * path percent-decoded once into {@code URL.Path}, the raw query after the first {@code ?}.
 *
 * <p>Go keeps a {@code #} in a request target as part of the path (a fragment never travels on
 * the wire), so this does too for origin-form targets. Absolute URLs ({@code https://host/...})
 * are accepted as a convenience: they are reduced to what a client sends on the wire (path and
 * query, {@code /} for an empty path, fragment dropped).
 *
 * @param path the decoded path, Go's {@code URL.Path}
 * @param rawQuery the query without {@code ?}, still encoded ({@code ""} when absent)
 */
record RequestTarget(String path, String rawQuery) {

  public RequestTarget {
    if (path == null || rawQuery == null) {
      throw new IllegalArgumentException("path and rawQuery must not be null");
    }
  }

  /**
   * Parses a request target.
   *
   * @throws ClassificationException 400 where Go's server answers 400: empty target, control
   *     characters or spaces, a target that is neither origin-form nor absolute http(s), a bad
   *     {@code %} escape in the path, a path that does not decode to valid UTF-8
   */
  public static RequestTarget parse(String target) throws ClassificationException {
    if (target.isEmpty()) {
      throw ClassificationException.badRequest("bad request: empty url");
    }
    checkWireCharacters(target);
    if (target.equals("*")) {
      return new RequestTarget("*", "");
    }
    String onWire;
    if (target.charAt(0) == '/') {
      onWire = target;
    } else if (startsWithIgnoreCase(target, "http://") || startsWithIgnoreCase(target, "https://")) {
      onWire = originFormOf(target);
    } else {
      throw ClassificationException.badRequest("bad request: invalid URI for request");
    }
    int q = onWire.indexOf('?');
    int pathEnd = q < 0 ? onWire.length() : q;
    String rawQuery = q < 0 ? "" : onWire.substring(q + 1);
    GoUnescape.Decoded path = GoUnescape.unescape(onWire, 0, pathEnd, false);
    if (path == null) {
      throw ClassificationException.badRequest(
          "bad request: invalid URL escape " + quoteEscape(onWire, pathEnd));
    }
    if (!path.exact()) {
      // Go would serve the raw bytes; a Java string cannot hold them faithfully, so refuse.
      throw ClassificationException.badRequest(
          "bad request: the path does not decode to valid UTF-8, so it cannot be classified faithfully");
    }
    return new RequestTarget(path.value(), rawQuery);
  }

  /**
   * Rejects what never reaches kube-apiserver as a request target: Go refuses ASCII control
   * characters, a space ends the target in the request line, and a lone UTF-16 surrogate has no
   * byte encoding at all.
   */
  private static void checkWireCharacters(String target) throws ClassificationException {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw ClassificationException.badRequest(
            "bad request: net/url: invalid control character in URL");
      }
      if (c == ' ') {
        throw ClassificationException.badRequest("bad request: malformed request line (space in target)");
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < target.length()
            && Character.isLowSurrogate(target.charAt(i + 1))) {
          i++;
        } else {
          throw ClassificationException.badRequest("bad request: unpaired UTF-16 surrogate in target");
        }
      }
    }
  }

  /** Path and query of an absolute URL, as a client puts them on the wire. */
  private static String originFormOf(String url) {
    int authorityStart = url.indexOf("//") + 2;
    int end = url.length();
    int fragment = url.indexOf('#', authorityStart);
    if (fragment >= 0) {
      end = fragment;
    }
    int pathStart = end;
    for (int i = authorityStart; i < end; i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?') {
        pathStart = i;
        break;
      }
    }
    String rest = url.substring(pathStart, end);
    return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /** The offending escape, as Go's EscapeError quotes it (at most three characters). */
  private static String quoteEscape(String s, int end) {
    for (int i = 0; i < end; i++) {
      if (s.charAt(i) == '%') {
        if (i + 2 >= end || !GoUnescape.isHex(s.charAt(i + 1)) || !GoUnescape.isHex(s.charAt(i + 2))) {
          return "\"" + s.substring(i, Math.min(end, i + 3)) + "\"";
        }
        i += 2;
      }
    }
    return "\"%\"";
  }
}

package dev.kubeguard.core;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.KubeRequest;
import java.util.Set;

/**
 * The rules that keep what is judged equal to what is sent, whatever HTTP client carries the
 * request. kube-apiserver reads the URL as written, but clients do not all send it as written, and
 * an upgraded connection's frames never pass a masker. Stateless.
 */
final class WireRules {

  private static final Set<String> SESSION_SUBRESOURCES = Set.of("exec", "attach", "portforward");

  private WireRules() {}

  /**
   * Why some HTTP client would rewrite {@code request}'s target after the guard judged it, or
   * {@code null}. Three rewrites are known: OkHttp's {@code HttpUrl} (fabric8's OkHttp backend, the
   * official Java client) resolves {@code .} and {@code ..} segments, plain or percent-encoded,
   * while kube-apiserver keeps them as names, so the guard would judge one object and the server
   * serve another; OkHttp percent-encodes a raw {@code '} in the query, the one character of its
   * query encode set a {@code java.net.URI} lets through; and a target ending in an empty
   * {@code ?} goes out with the mark on OkHttp and without it on the JDK client. No Kubernetes
   * name, label or selector needs any of them, so refusing loses nothing.
   */
  static String rewrittenByClients(KubeRequest request) {
    String dots = dotSegment(request.rawPath());
    if (dots != null) {
      return dots;
    }
    if (request.uri().endsWith("?")) {
      return "the target ends with an empty query ('?'), which some HTTP clients send and others drop:"
          + " leave the '?' out";
    }
    if (request.rawQuery().indexOf('\'') >= 0) {
      return "the query holds a raw \"'\", which HTTP clients re-encode before sending: percent-encode it as %27";
    }
    return null;
  }

  private static String dotSegment(String rawPath) {
    int start = 0;
    int n = rawPath.length();
    while (start <= n) {
      int end = rawPath.indexOf('/', start);
      if (end < 0) {
        end = n;
      }
      if (isDotSegment(rawPath, start, end)) {
        return "the path holds a '.' or '..' segment, which HTTP clients resolve before sending;"
            + " Kubernetes names cannot be '.' or '..'";
      }
      start = end + 1;
    }
    return null;
  }

  // One or two dots, each written as '.' or as %2e in either case.
  private static boolean isDotSegment(String s, int from, int to) {
    int dots = 0;
    int i = from;
    while (i < to) {
      if (s.charAt(i) == '.') {
        i++;
      } else if (i + 2 < to && s.charAt(i) == '%' && s.charAt(i + 1) == '2'
          && (s.charAt(i + 2) == 'e' || s.charAt(i + 2) == 'E')) {
        i += 3;
      } else {
        return false;
      }
      dots++;
    }
    return dots == 1 || dots == 2;
  }

  /**
   * Why an allowed upgrade request must be refused, or {@code null}: after a WebSocket or SPDY
   * upgrade the frames bypass every masker, so only the sessions that are judged by their
   * handshake (exec, attach, port-forward) may upgrade, and any other (a watch over WebSocket) only
   * when its response needs no masking.
   */
  static String unmaskableUpgrade(AccessRequest q, String maskingProfile) {
    KubeRequest http = q.request();
    if (http == null || !http.isUpgrade() || "none".equals(maskingProfile) || isSession(q.attributes())) {
      return null;
    }
    return "this upgraded stream cannot be masked (masking profile '" + maskingProfile
        + "'): its frames bypass the masker; use an HTTP watch (fabric8: Config onlyHttpWatches)";
  }

  static boolean isSession(Attributes a) {
    return a.isResourceRequest() && a.resource().equals("pods") && SESSION_SUBRESOURCES.contains(a.subresource());
  }
}

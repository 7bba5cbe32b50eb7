package dev.kubeguard.core;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * Rewrites a request's {@code Accept} header so the API server answers in a form the masker
 * reads. kube-apiserver serves protobuf or CBOR when asked; a guard that let those through
 * unmasked would leak, and one that received them would have to withhold the body. Stateless.
 */
final class AcceptHeaders {

  /** What is asked for when nothing the masker reads was in the header. */
  public static final String JSON = "application/json";

  /**
   * Keeps only the JSON media ranges of {@code accept} (parameters such as
   * {@code as=Table;v=v1;g=meta.k8s.io} included, since Table responses are JSON), or
   * {@link #JSON} when none remain. Wildcards are replaced: {@code *}/{@code *} lets the server pick.
   */
  public static String forMasking(String accept) {
    if (accept == null || accept.isBlank() || accept.equals(JSON)) {
      return JSON; // the usual header, answered without splitting it
    }
    StringJoiner kept = new StringJoiner(",");
    for (String range : accept.split(",")) {
      String trimmed = range.trim();
      int semi = trimmed.indexOf(';');
      String type = (semi < 0 ? trimmed : trimmed.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
      if (type.equals(JSON)) {
        kept.add(trimmed);
      }
    }
    return kept.length() == 0 ? JSON : kept.toString();
  }

  private AcceptHeaders() {}
}

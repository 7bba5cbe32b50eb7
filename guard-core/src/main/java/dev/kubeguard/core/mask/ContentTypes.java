package dev.kubeguard.core.mask;

import java.util.Locale;

/** Which reader a response's Content-Type calls for. Stateless. */
final class ContentTypes {

  /** How a body is read for masking. */
  public enum Reading { JSON, TEXT, UNREADABLE }

  private ContentTypes() {}

  /**
   * JSON for {@code application/json} and any {@code +json} type (Table, watch stream, patch
   * responses) in UTF-8, and for an untyped body, as Kubernetes clients read one (anything that
   * is not JSON then fails the parser and is withheld); TEXT for {@code text/plain} (pod logs);
   * everything else (protobuf, CBOR, YAML, other charsets) is UNREADABLE.
   */
  public static Reading reading(String contentType) {
    if (contentType.equals("application/json")) {
      return Reading.JSON; // what kube-apiserver sends for JSON: read without splitting a copy
    }
    String ct = contentType.trim().toLowerCase(Locale.ROOT);
    if (ct.isEmpty()) {
      return Reading.JSON;
    }
    String[] parts = ct.split(";");
    String media = parts[0].trim();
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim();
      if (param.startsWith("charset=")) {
        String cs = param.substring(8).replace("\"", "").trim();
        boolean utf8 = cs.equals("utf-8") || cs.equals("utf8");
        if (!utf8 && !(media.equals("text/plain") && (cs.equals("us-ascii") || cs.equals("iso-8859-1")))) {
          return Reading.UNREADABLE;
        }
      }
    }
    if (media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"))) {
      return Reading.JSON;
    }
    if (media.equals("text/plain")) {
      return Reading.TEXT;
    }
    return Reading.UNREADABLE;
  }
}

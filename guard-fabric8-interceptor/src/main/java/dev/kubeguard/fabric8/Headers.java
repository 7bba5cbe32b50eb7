package dev.kubeguard.fabric8;

import dev.kubeguard.core.GuardedExchange;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import java.util.Map;

/**
 * Applies an allowed exchange's header changes to the fabric8 request builder about to be sent.
 * fabric8 keys headers by the spelling they were added with, so a header the request already
 * carries is replaced under its own spelling (else it would go out twice). Stateless.
 */
final class Headers {

  /** The only value that asks for no content coding (RFC 9110 §12.5.3). */
  private static final String NO_CODING = "identity";

  /**
   * Sets {@link GuardedExchange#headersToSet()} and removes {@link GuardedExchange#headersToDrop()}.
   * fabric8's builders cannot remove a header, so a dropped {@code Accept-Encoding} becomes
   * {@code identity}, which tells the server exactly what dropping it would: send the body
   * uncoded. A header the exchange drops that has no such equivalent fails the exchange and throws
   * an {@link IllegalStateException}: the request is not sent.
   */
  static void apply(GuardedExchange exchange, BasicBuilder builder, HttpRequest request) {
    for (Map.Entry<String, String> h : exchange.headersToSet().entrySet()) {
      builder.setHeader(spelling(request, h.getKey()), h.getValue());
    }
    for (String name : exchange.headersToDrop()) {
      String present = present(request, name);
      if (present == null) {
        continue;
      }
      if (!name.equalsIgnoreCase("Accept-Encoding")) {
        IllegalStateException e = new IllegalStateException("kubeguard: fabric8 cannot remove the header " + name);
        exchange.failed(e);
        throw e;
      }
      builder.setHeader(present, NO_CODING);
    }
  }

  private static String spelling(HttpRequest request, String name) {
    String present = present(request, name);
    return present == null ? name : present;
  }

  private static String present(HttpRequest request, String name) {
    for (String key : request.headers().keySet()) {
      if (key.equalsIgnoreCase(name)) {
        return key;
      }
    }
    return null;
  }

  private Headers() {}
}

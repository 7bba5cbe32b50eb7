package dev.kubeguard.core.mask;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Test helper: the real PEM key and certificate of the captured Secret shop/web-tls. */
final class RealPem {

  private RealPem() {}

  static String privateKey() throws Exception {
    return webTls("tls.key");
  }

  static String certificate() throws Exception {
    return webTls("tls.crt");
  }

  private static String webTls(String key) throws Exception {
    JsonNode list = MaskedOutput.JSON.readTree(DetectorsOnRealCapturesTest.read("secret-list.json"));
    for (JsonNode item : list.get("items")) {
      if (item.at("/metadata/name").asText().equals("web-tls")) {
        return new String(Base64.getDecoder().decode(item.get("data").get(key).asText()),
            StandardCharsets.UTF_8);
      }
    }
    throw new IllegalStateException("secret-list.json has no web-tls");
  }
}

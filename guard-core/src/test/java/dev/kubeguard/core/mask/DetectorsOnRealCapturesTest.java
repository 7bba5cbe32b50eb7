package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The detectors run on every JSON string of every Kubernetes object, so they are run here on every
 * string of real kube-apiserver captures: UIDs, resourceVersions, images, timestamps, labels,
 * managedFields, ownerReferences, status messages, discovery documents and a certificate. Only
 * strings that hold a planted secret may be hit.
 */
class DetectorsOnRealCapturesTest {

  static final String DIR = "apiserver-v1.28/";
  static final List<String> CAPTURES = List.of(
      "configmap-get.json", "deployment-get.json", "discovery-api.json", "discovery-apis.json",
      "secret-delete-response.json", "secret-get.json", "secret-list-table-includeObject.json",
      "secret-list-table.json", "secret-list.json", "secret-merge-patch-response.json",
      "secret-serverside-apply-response.json", "secret-watch.jsonstream",
      "serviceaccount-tokenrequest.json", "status-403-forbidden.json", "status-404-notfound.json",
      "version.json");

  final ValueDetectors detectors = new ValueDetectors(true, List.of());
  final MaskTokens tokens = new MaskTokens(new SecretKeySpec(new byte[32], "HmacSHA256"));

  @Test
  void hitsNoStringOfARealCaptureThatHoldsNoPlantedSecret() throws Exception {
    List<String> planted = plantedSecrets();
    int strings = 0;
    List<String> wrongHits = new ArrayList<>();
    for (String capture : CAPTURES) {
      for (JsonNode root : MaskedOutput.roots(read(capture))) {
        List<Map.Entry<String, String>> values = new ArrayList<>();
        collect(root, capture, false, values);
        for (Map.Entry<String, String> v : values) {
          strings++;
          String s = v.getValue();
          boolean holdsSecret = v.getKey().endsWith("!secret") || planted.stream().anyMatch(s::contains);
          if (!holdsSecret && hit(s)) {
            wrongHits.add(v.getKey()); // the path only: the value may be long
          }
        }
      }
    }
    assertThat(strings).as("strings looked at").isGreaterThan(500);
    assertThat(wrongHits).as("strings masked that hold no secret").isEmpty();
  }

  @Test
  void stillFindsThePlantedSecretsThatCarryTheirOwnShape() throws Exception {
    // the JWT of the TokenRequest and the password in the plaintext last-applied annotation
    String tokenRequest = read("serviceaccount-tokenrequest.json");
    JsonNode token = MaskedOutput.JSON.readTree(tokenRequest).at("/status/token");
    assertThat(hit(token.asText())).isTrue();
    String list = read("secret-list.json");
    JsonNode items = MaskedOutput.JSON.readTree(list).at("/items");
    boolean found = false;
    for (JsonNode item : items) {
      JsonNode a = item.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration");
      if (!a.isMissingNode() && a.asText().contains("\"password\"")) {
        found = true;
        assertThat(mask(a.asText())).doesNotContain("S3cr3t-Pa55w0rd!").contains("\"username\":\"shop_app\"");
      }
    }
    assertThat(found).as("the capture has the annotation this test looks at").isTrue();
  }

  private boolean hit(String s) {
    int which = detectors.triggers(s.toCharArray(), 0, s.length());
    return which != 0 && detectors.mask(s, tokens, new int[1], which) != null;
  }

  private String mask(String s) {
    String m = detectors.mask(s, tokens, new int[1]);
    return m == null ? s : m;
  }

  /** Every string under {@code n} (keys too), keyed by path; "!secret" marks a Secret's data. */
  private static void collect(JsonNode n, String path, boolean secretData, List<Map.Entry<String, String>> out) {
    if (n.isObject()) {
      boolean secret = "Secret".equals(n.path("kind").asText());
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        out.add(Map.entry(path + "." + f.getKey() + "<key>", f.getKey()));
        boolean data = secretData || (secret && (f.getKey().equals("data") || f.getKey().equals("stringData")));
        collect(f.getValue(), path + "." + f.getKey(), data, out);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        collect(n.get(i), path + "[" + i + "]", secretData, out);
      }
    } else if (n.isTextual()) {
      out.add(Map.entry(secretData ? path + "!secret" : path, n.asText()));
    }
  }

  private static List<String> plantedSecrets() throws Exception {
    JsonNode m = MaskedOutput.JSON.readTree(read("must-not-leak.json"));
    List<String> out = new ArrayList<>();
    m.get("plainValues").forEach(v -> out.add(v.asText()));
    m.get("base64Values").forEach(v -> {
      out.add(v.asText());
      out.add(new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8));
    });
    return out;
  }

  static String read(String name) throws IOException {
    try (InputStream in = DetectorsOnRealCapturesTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + DIR + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

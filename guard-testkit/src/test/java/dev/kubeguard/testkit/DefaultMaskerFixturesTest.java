package dev.kubeguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.mask.MaskedOutput;
import dev.kubeguard.core.mask.Masking;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real kube-apiserver capture, masked with the default profile. */
class DefaultMaskerFixturesTest {

  static final DefaultMasker MASKER = Masking.masker();

  static Stream<String> fixtures() throws Exception {
    List<String> names = Fixtures.names().stream().sorted().toList();
    assertThat(names).hasSizeGreaterThan(15);
    // must-not-leak.json is the list of secrets itself, not a response
    return names.stream().filter(n -> !n.equals("must-not-leak.json"));
  }

  static String contentType(String file) {
    if (file.endsWith(".jsonstream")) {
      return "application/json;stream=watch";
    }
    if (file.contains("-table")) {
      return "application/json;as=Table;v=v1;g=meta.k8s.io";
    }
    if (file.endsWith(".json")) {
      return "application/json";
    }
    if (file.endsWith(".bin")) {
      return "application/vnd.kubernetes.protobuf";
    }
    return "text/plain; charset=utf-8";
  }

  static List<String> leakList(String field) throws Exception {
    JsonNode n = MaskedOutput.JSON.readTree(Fixtures.bytes("must-not-leak.json")).get(field);
    List<String> out = new ArrayList<>();
    n.forEach(v -> out.add(v.asText()));
    return out;
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void leaksNoPlantedSecretAndKeepsEverythingElse(String file) throws Exception {
    byte[] body = Fixtures.bytes(file);
    String ct = contentType(file);
    if (file.endsWith(".bin")) {
      assertThatThrownBy(() -> Masking.mask(MASKER, "default", ct, body))
          .isInstanceOf(MaskingException.class)
          .hasMessageContaining("withheld");
      return;
    }
    Masking.Result r = Masking.mask(MASKER, "default", ct, body);
    String out = r.text();
    MaskedOutput.assertNoLeak(out, leakList("plainValues"), leakList("base64Values"));
    if (ct.startsWith("text/plain")) {
      return;
    }
    List<JsonNode> in = MaskedOutput.roots(new String(body, StandardCharsets.UTF_8));
    List<JsonNode> masked = MaskedOutput.roots(out);
    assertThat(masked).hasSameSizeAs(in);
    if (file.endsWith(".jsonstream")) {
      assertThat(out.split("\n")).as("one event per line").hasSize(in.size());
    }
    for (int i = 0; i < in.size(); i++) {
      MaskedOutput.assertRoundTrip(in.get(i), masked.get(i), null, file);
    }
    for (JsonNode root : masked) {
      root.findParents("data").forEach(this::secretDataIsBase64OfToken);
    }
  }

  private void secretDataIsBase64OfToken(JsonNode parent) {
    if (!"Secret".equals(parent.path("kind").asText()) && !parent.has("type")) {
      return;
    }
    parent.get("data").forEach(
        v -> assertThat(new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.US_ASCII))
            .startsWith(MaskedOutput.TOKEN));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void masksTheSameWhateverTheChunkBoundaries(String file) throws Exception {
    if (file.endsWith(".bin")) {
      return;
    }
    byte[] body = Fixtures.bytes(file);
    String ct = contentType(file);
    byte[] whole = Masking.mask(MASKER, "default", ct, body).body();
    Random random = new Random(file.hashCode());
    for (int run = 0; run < 20; run++) {
      assertThat(Masking.mask(MASKER, "default", ct, body, random).body())
          .as(file + " cut at random boundaries")
          .isEqualTo(whole);
    }
  }

  @Test
  void masksSecretsInEveryFixtureThatHoldsThem() throws Exception {
    assertThat(Masking.mask(MASKER, "default", "application/json", read("secret-get.json")).masked()).isEqualTo(4);
    assertThat(Masking.mask(MASKER, "default", "application/json", read("configmap-get.json")).masked()).isEqualTo(1);
    assertThat(Masking.mask(MASKER, "default", "application/json", read("deployment-get.json")).masked()).isEqualTo(2);
    assertThat(Masking.mask(MASKER, "default", "application/json", read("serviceaccount-tokenrequest.json")).masked()).isEqualTo(1);
    assertThat(Masking.mask(MASKER, "default", "application/json", read("discovery-apis.json")).masked()).isZero();
    assertThat(Masking.mask(MASKER, "default", "application/json", read("status-403-forbidden.json")).masked()).isZero();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void returnsEveryCaptureWithNothingToMaskByteIdentical(String file) throws Exception {
    if (file.endsWith(".bin") || !contentType(file).startsWith("application/json")) {
      return;
    }
    byte[] body = Fixtures.bytes(file);
    Masking.Result r = Masking.mask(MASKER, "default", contentType(file), body);
    if (r.masked() == 0) {
      assertThat(r.text()).as(file).isEqualTo(new String(body, StandardCharsets.UTF_8));
    } else {
      assertThat(r.body()).as(file + " differs where it is masked").isNotEqualTo(body);
    }
  }

  @Test
  void masksNothingInCapturesThatHoldNoSecret() throws Exception {
    for (String file : List.of("discovery-api.json", "discovery-apis.json", "status-403-forbidden.json",
        "status-404-notfound.json", "version.json")) {
      byte[] body = read(file);
      Masking.Result r = Masking.mask(MASKER, "default", "application/json", body);
      assertThat(r.masked()).as(file).isZero();
      assertThat(r.body()).as(file + " byte-identical").isEqualTo(body);
    }
  }

  static byte[] read(String file) throws Exception {
    return Fixtures.bytes(file);
  }

  @Test
  void noneProfilePassesAnyBodyThroughUnchanged() throws Exception {
    byte[] body = read("secret-get.json");
    assertThat(Masking.mask(MASKER, "none", "application/json", body).body()).isEqualTo(body);
    byte[] proto = read("secret-list.protobuf.bin");
    assertThat(Masking.mask(MASKER, "none", "application/vnd.kubernetes.protobuf", proto).body()).isEqualTo(proto);
  }
}

package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultMaskerTest {

  static final DefaultMasker MASKER = Masking.masker();

  static String mask(String json) throws Exception {
    return Masking.mask(MASKER, "default", "application/json", json.getBytes(StandardCharsets.UTF_8)).text();
  }

  static JsonNode maskTree(String json) throws Exception {
    return MaskedOutput.JSON.readTree(mask(json.replace('\'', '"')));
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String unb64(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }

  @Test
  void givesEqualSecretsEqualTokensAcrossDataStringDataAndLastApplied() throws Exception {
    JsonNode out =
        maskTree(
            "{'kind':'Secret','metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':"
                + "'{\\'stringData\\':{\\'p\\':\\'hunter2\\'},\\'kind\\':\\'Secret\\'}'}},"
                + "'data':{'p':'" + b64("hunter2") + "','q':'" + b64("hunter2") + "'},'stringData':{'p':'hunter2'}}");
    String token = out.at("/stringData/p").asText();
    assertThat(token).matches("kubeguard-masked:[0-9a-f]{16}");
    assertThat(unb64(out.at("/data/p").asText())).isEqualTo(token);
    assertThat(unb64(out.at("/data/q").asText())).isEqualTo(token);
    JsonNode lastApplied = MaskedOutput.JSON.readTree(
        out.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration").asText());
    assertThat(lastApplied.at("/stringData/p").asText()).isEqualTo(token);
  }

  @Test
  void givesDifferentTokensUnderDifferentKeys() throws Exception {
    DefaultMasker other = DefaultMasker.builder().randomKey().build();
    byte[] body = "{\"kind\":\"Secret\",\"stringData\":{\"p\":\"hunter2\"}}".getBytes(StandardCharsets.UTF_8);
    String a = Masking.mask(MASKER, "default", "application/json", body).text();
    String b = Masking.mask(other, "default", "application/json", body).text();
    assertThat(a).doesNotContain("hunter2").isNotEqualTo(b);
  }

  @Test
  void holdsDataThatArrivesBeforeKindAndDecidesByTheKind() throws Exception {
    JsonNode cm = maskTree("{'apiVersion':'v1','data':{'LOG_LEVEL':'info','DB_PASSWORD':'pw1'},'kind':'ConfigMap','metadata':{'name':'x'}}");
    assertThat(cm.at("/data/LOG_LEVEL").asText()).isEqualTo("info");
    assertThat(cm.at("/data/DB_PASSWORD").asText()).startsWith(MaskedOutput.TOKEN);
    assertThat(cm.at("/metadata/name").asText()).isEqualTo("x");

    JsonNode secret = maskTree("{'data':{'LOG_LEVEL':'" + b64("info") + "'},'kind':'Secret'}");
    assertThat(unb64(secret.at("/data/LOG_LEVEL").asText())).startsWith(MaskedOutput.TOKEN);
  }

  @Test
  void masksDataConservativelyWhenTheKindNeverComes() throws Exception {
    JsonNode out = maskTree("{'data':{'LOG_LEVEL':'" + b64("info") + "'},'stringData':{'a':'b'}}");
    assertThat(unb64(out.at("/data/LOG_LEVEL").asText())).startsWith(MaskedOutput.TOKEN);
    assertThat(out.at("/stringData/a").asText()).startsWith(MaskedOutput.TOKEN);
  }

  @Test
  void masksHeldDataWhenItOutgrowsTheBound() throws Exception {
    DefaultMasker small = DefaultMasker.builder().key(Masking.KEY).maxHeldBytes(4096).build();
    StringBuilder data = new StringBuilder("{\"data\":{");
    for (int i = 0; i < 300; i++) {
      data.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"").append(b64("v" + i)).append('"');
    }
    data.append("},\"kind\":\"ConfigMap\"}");
    String out = Masking.mask(small, "default", "application/json", data.toString().getBytes()).text();
    assertThat(out).doesNotContain(b64("v7")).contains("\"kind\":\"ConfigMap\"");
    assertThat(MaskedOutput.JSON.readTree(out).get("data")).hasSize(300);
  }

  @Test
  void masksSensitiveEnvValuesInEveryContainerListOfAnyWorkload() throws Exception {
    JsonNode out =
        maskTree(
            "{'kind':'StatefulSet','spec':{'template':{'spec':{"
                + "'initContainers':[{'env':[{'name':'API_TOKEN','value':'t1'}]}],"
                + "'containers':[{'env':[{'value':'p1','name':'DB_PASSWORD'},{'name':'LOG_LEVEL','value':'info'},"
                + "{'value':'debug','name':'MODE'},{'name':'stripeKey','value':'k1'}]}],"
                + "'ephemeralContainers':[{'env':[{'name':'AWS_SECRET_ACCESS_KEY','value':'s1'}]}]}}}}");
    String text = out.toString();
    assertThat(text).doesNotContain("\"t1\"", "\"p1\"", "\"k1\"", "\"s1\"");
    assertThat(out.at("/spec/template/spec/containers/0/env/1/value").asText()).isEqualTo("info");
    assertThat(out.at("/spec/template/spec/containers/0/env/2/value").asText()).isEqualTo("debug");
    assertThat(out.at("/spec/template/spec/containers/0/env/0/name").asText()).isEqualTo("DB_PASSWORD");
  }

  @Test
  void givesListItemsTheirListsKind() throws Exception {
    JsonNode cms = maskTree("{'kind':'ConfigMapList','items':[{'data':{'LOG_LEVEL':'info','API_KEY':'k'}}]}");
    assertThat(cms.at("/items/0/data/LOG_LEVEL").asText()).isEqualTo("info");
    assertThat(cms.at("/items/0/data/API_KEY").asText()).startsWith(MaskedOutput.TOKEN);
    JsonNode revisions = maskTree("{'kind':'ControllerRevisionList','items':[{'data':{'spec':{'replicas':3}}}]}");
    assertThat(revisions.at("/items/0/data/spec/replicas").asInt()).isEqualTo(3);
  }

  @Test
  void masksTokenRequestAndTokenReviewTokens() throws Exception {
    assertThat(maskTree("{'kind':'TokenRequest','status':{'token':'abc','expirationTimestamp':'t'}}").at("/status/token").asText())
        .startsWith(MaskedOutput.TOKEN);
    assertThat(maskTree("{'kind':'TokenReview','spec':{'token':'abc'},'status':{'authenticated':true}}").at("/spec/token").asText())
        .startsWith(MaskedOutput.TOKEN);
    // a field named token is masked in any object, by its name
    assertThat(maskTree("{'kind':'Pod','spec':{'token':'abc'}}").at("/spec/token").asText()).startsWith(MaskedOutput.TOKEN);
  }

  @Test
  void detectsSecretsInsideAnyString() throws Exception {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl";
    JsonNode out =
        maskTree(
            "{'kind':'Pod','metadata':{'annotations':{'note':'token " + jwt + " here'}},"
                + "'spec':{'containers':[{'args':['--db-password=hunter2x','--url=postgres://app:pw9@db:5432/x',"
                + "'AKIAIOSFODNN7EXAMPLE','--log=info','nginx:1.27']}]}}");
    String text = out.toString();
    assertThat(text).doesNotContain(jwt, "hunter2x", "pw9@", "AKIAIOSFODNN7EXAMPLE");
    assertThat(out.at("/spec/containers/0/args/1").asText()).startsWith("--url=postgres://app:kubeguard-masked:").endsWith("@db:5432/x");
    assertThat(out.at("/spec/containers/0/args/3").asText()).isEqualTo("--log=info");
    assertThat(out.at("/spec/containers/0/args/4").asText()).isEqualTo("nginx:1.27");
    assertThat(out.at("/metadata/annotations/note").asText()).startsWith("token kubeguard-masked:").endsWith(" here");
  }

  @Test
  void masksAnUnparsableEmbeddedAnnotationWhole() throws Exception {
    JsonNode out = maskTree("{'kind':'Pod','metadata':{'annotations':{'a':'{\\'stringData\\':{\\'p\\':\\'s3\\'}} junk'}}}");
    assertThat(out.at("/metadata/annotations/a").asText()).matches("kubeguard-masked:[0-9a-f]{16}");
  }

  @Test
  void keepsWatchFramingAndSendsEachEventAsSoonAsItIsComplete() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MaskingStream s = MASKER.open(
        new MaskingContext("default", "application/json;stream=watch", Masking.request("watch", "secrets", "")),
        c -> out.write(bytes(c)));
    s.write(ByteBuffer.wrap("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Secret\",\"data\":{\"a\":\"YQ==\"}}}\n{\"type\":\"MOD".getBytes()));
    String first = out.toString(StandardCharsets.UTF_8);
    assertThat(first).contains("}}}\n").doesNotContain("YQ==").doesNotContain("MOD");
    assertThat(first.substring(0, first.indexOf('\n'))).startsWith("{\"type\":\"ADDED\"").endsWith("}}}");
    s.write(ByteBuffer.wrap("IFIED\",\"object\":{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":410}}\n".getBytes()));
    s.finish();
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[1]).isEqualTo("{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":410}}");
  }

  @Test
  void refusesBodiesItCannotRead() {
    for (String ct : List.of("application/vnd.kubernetes.protobuf", "application/cbor", "application/yaml",
        "application/vnd.kubernetes.protobuf;stream=watch", "application/json; charset=utf-16")) {
      assertThatThrownBy(() -> MASKER.open(new MaskingContext("default", ct, Masking.request("get", "secrets", "")), c -> {}))
          .as(ct).isInstanceOf(MaskingException.class).hasMessageContaining("withheld");
    }
    assertThatThrownBy(() -> MASKER.open(new MaskingContext("strict", "application/json", Masking.request("get", "secrets", "")), c -> {}))
        .isInstanceOf(MaskingException.class).hasMessageContaining("unknown masking profile 'strict'");
  }

  @Test
  void readsAnUntypedBodyAsJsonAndWithholdsItIfItIsNot() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MaskingStream s = MASKER.open(new MaskingContext("default", "", Masking.request("get", "secrets", "db")), c -> out.write(bytes(c)));
    s.write(ByteBuffer.wrap("{\"kind\":\"Secret\",\"data\":{\"p\":\"aHVudGVyMg==\"}}".getBytes(StandardCharsets.UTF_8)));
    s.finish();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"kind\":\"Secret\"").doesNotContain("aHVudGVyMg==");

    MaskingStream protobuf = MASKER.open(new MaskingContext("default", "", Masking.request("get", "secrets", "db")), c -> {});
    assertThatThrownBy(() -> {
          protobuf.write(ByteBuffer.wrap(new byte[] {'k', '8', 's', 0, 10, 2}));
          protobuf.finish();
        }).isInstanceOf(MaskingException.class);

    MaskingStream empty = MASKER.open(new MaskingContext("default", "", Masking.request("delete", "secrets", "")), c -> {});
    empty.write(ByteBuffer.allocate(0));
    empty.finish();
  }

  @Test
  void failsClosedOnBrokenJsonWithoutQuotingTheBody() throws Exception {
    for (String body : List.of("{\"kind\":\"Secret\",\"data\":{\"a\":\"hunter2\"", "{\"kind\":hunter2}", "{\"a\":1}}hunter2")) {
      List<String> emitted = new java.util.ArrayList<>();
      assertThatThrownBy(() -> {
            MaskingStream s = MASKER.open(new MaskingContext("default", "application/json", Masking.request("get", "secrets", "")),
                c -> emitted.add(new String(bytes(c), StandardCharsets.UTF_8)));
            s.write(ByteBuffer.wrap(body.getBytes()));
            s.finish();
          })
          .as(body)
          .isInstanceOf(MaskingException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").contains("withheld"));
      assertThat(String.join("", emitted)).doesNotContain("hunter2");
    }
  }

  @Test
  void failsClosedOnAStringOrNestingBeyondTheLimits() throws Exception {
    DefaultMasker small = DefaultMasker.builder().key(Masking.KEY).maxHeldBytes(4096).maxDepth(16).build();
    String longValue = "{\"kind\":\"Secret\",\"data\":{\"a\":\"" + "A".repeat(5000) + "\"}}";
    assertThatThrownBy(() -> Masking.mask(small, "default", "application/json", longValue.getBytes()))
        .isInstanceOf(MaskingException.class).hasMessageContaining("withheld");
    String deep = "[".repeat(40) + "]".repeat(40);
    assertThatThrownBy(() -> Masking.mask(small, "default", "application/json", deep.getBytes()))
        .isInstanceOf(MaskingException.class);
  }

  @Test
  void deadStreamStaysDead() throws Exception {
    MaskingStream s = MASKER.open(new MaskingContext("default", "application/json", Masking.request("get", "pods", "")), c -> {});
    assertThatThrownBy(() -> s.write(ByteBuffer.wrap("}".getBytes()))).isInstanceOf(MaskingException.class);
    assertThatThrownBy(() -> s.write(ByteBuffer.wrap("{}".getBytes()))).isInstanceOf(MaskingException.class);
    assertThatThrownBy(s::finish).isInstanceOf(MaskingException.class);
  }

  @Test
  void userProfileAddsPathsNamesAndDetectors() throws Exception {
    MaskingProfile strict =
        MaskingProfile.builder("strict")
            .basedOn(MaskingProfile.DEFAULT)
            .fieldPath("Secret", "metadata.annotations[example.com/hint]")
            .fieldPath("*", "spec.containers.image")
            .sensitiveName("(?i)^dsn$")
            .detector("corp_[a-z0-9]{8}")
            .build();
    DefaultMasker m = DefaultMasker.builder().key(Masking.KEY).profile(strict).build();
    String body =
        "{\"kind\":\"Secret\",\"metadata\":{\"annotations\":{\"example.com/hint\":\"pw is dog\",\"other\":\"id corp_abcd1234\"}}}\n"
            + "{\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"image\":\"registry/app:1\",\"env\":[{\"name\":\"DSN\",\"value\":\"x\"}]}]}}";
    String out = Masking.mask(m, "strict", "application/json", body.getBytes()).text();
    assertThat(out).doesNotContain("pw is dog", "corp_abcd1234", "registry/app:1", "\"x\"").contains("id kubeguard-masked:");
    assertThat(Masking.mask(MASKER, "default", "application/json", body.getBytes()).text()).contains("pw is dog", "registry/app:1");
  }

  @Test
  void builderFailsWithMessagesThatSayWhatToFix() {
    assertThatThrownBy(() -> DefaultMasker.builder().build()).hasMessageContaining("key(bytes) or randomKey()");
    assertThatThrownBy(() -> DefaultMasker.builder().key(new byte[8]).build()).hasMessageContaining("at least 16 bytes");
    assertThatThrownBy(() -> DefaultMasker.builder().profile(MaskingProfile.builder("p").build()).profile(MaskingProfile.builder("p").build()))
        .hasMessageContaining("added twice");
    assertThatThrownBy(() -> MaskingProfile.builder("p").detector("(").build()).hasMessageContaining("not a valid regex");
    assertThatThrownBy(() -> MaskingProfile.builder("p").detector("a*").build()).hasMessageContaining("empty string");
    assertThatThrownBy(() -> MaskingProfile.builder("p").fieldPath("Secret", "a..b").build()).hasMessageContaining("empty segment");
    assertThatThrownBy(() -> MaskingProfile.builder("bad name").build()).hasMessageContaining("letters, digits");
  }

  static byte[] bytes(ByteBuffer c) {
    byte[] b = new byte[c.remaining()];
    c.get(b);
    return b;
  }
}

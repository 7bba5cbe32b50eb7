package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.Obligations;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the audit trail keeps of a request is masked like a response: every body of every patch
 * type, every query value and exec commands. Each case reads the JSON Lines file the built-in
 * recorder wrote and looks for the secret, plain and base64.
 */
class RequestAuditTrailTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final String PASSWORD = "hunter2-Pa55w0rd";
  private static final String SECRET = "/api/v1/namespaces/shop/secrets/db-creds";
  private static final String CONFIG = "/api/v1/namespaces/shop/configmaps/settings";

  @TempDir Path dir;
  private JsonlAuditRecorder recorder;
  private Guard guard;

  @BeforeEach
  void start() throws Exception {
    recorder = JsonlAuditRecorder.builder().chainKey(ChainKey.generate()).path(dir.resolve("audit.jsonl")).durability(Durability.perEvent()).build();
    PolicyEngine recordAll = q -> Decision.allow("all", "ok")
        .withObligations(new Obligations(AuditLevel.REQUEST_RESPONSE, "default", null));
    guard = Guard.builder().policy(recordAll).recorder(recorder).build();
  }

  @AfterEach
  void stop() throws Exception {
    recorder.close();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one request through the guard and returns the trail's line for it, as written to disk. */
  private JsonNode recorded(String method, String uri, String contentType, String body) throws Exception {
    KubeRequest r = KubeRequest.of(method, uri, contentType == null ? Map.of() : Map.of("Content-Type", List.of(contentType)),
        body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    GuardedExchange x = guard.begin(BOB, r, CallContext.now());
    recorder.sync();
    String text = Files.readString(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
    assertThat(text).as("the trail file").doesNotContain(PASSWORD).doesNotContain(base64(PASSWORD))
        .doesNotContain(base64("hunter2"));
    for (String line : text.lines().toList()) {
      JsonNode n = JSON.readTree(line);
      if (x.auditId().equals(n.path("auditID").asText())) {
        return n;
      }
    }
    throw new AssertionError("no line for " + x.auditId() + " in\n" + text);
  }

  private JsonNode requestObject(String method, String uri, String contentType, String body) throws Exception {
    JsonNode line = recorded(method, uri, contentType, body);
    JsonNode object = line.path("requestObject");
    assertThat(object.isMissingNode()).as("a request object was recorded: %s", line).isFalse();
    return object;
  }

  @Test
  void jsonPatchOfSecretDataIsMaskedAsTheValueAtItsPath() throws Exception {
    JsonNode ops = requestObject("PATCH", SECRET, "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/data/password\",\"value\":\"" + base64(PASSWORD) + "\"},"
            + "{\"op\":\"add\",\"path\":\"/data\",\"value\":{\"user\":\"" + base64(PASSWORD) + "\"}},"
            + "{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"db-creds\"}]");

    assertThat(ops).hasSize(3);
    String token = new String(Base64.getDecoder().decode(ops.get(0).path("value").asText()), StandardCharsets.US_ASCII);
    assertThat(token).as("still base64, of a token").startsWith("kubeguard-masked:");
    assertThat(ops.get(0).path("path").asText()).isEqualTo("/data/password");
    assertThat(ops.get(0).path("op").asText()).isEqualTo("replace");
    assertThat(ops.get(1).path("value").path("user").asText()).isEqualTo(ops.get(0).path("value").asText());
    assertThat(ops.get(2).path("value").asText()).isEqualTo("db-creds");
  }

  @Test
  void jsonPatchValueUnderASensitiveLastSegmentIsMaskedWhole() throws Exception {
    JsonNode ops = requestObject("PATCH", CONFIG, "application/json-patch+json",
        "[{\"op\":\"add\",\"path\":\"/metadata/annotations/api-token\",\"value\":\"" + PASSWORD + "\"},"
            + "{\"op\":\"add\",\"path\":\"/data/db_password\",\"value\":\"" + PASSWORD + "\"},"
            + "{\"op\":\"add\",\"path\":\"/data/mode\",\"value\":\"fast\"}]");

    assertThat(ops.get(0).path("value").asText()).startsWith("kubeguard-masked:");
    assertThat(ops.get(1).path("value").asText()).startsWith("kubeguard-masked:");
    assertThat(ops.get(2).path("value").asText()).isEqualTo("fast");
  }

  @Test
  void jsonPatchOfAnEnvVarIsMaskedByItsNameOrWholeWhenTheNameIsElsewhere() throws Exception {
    JsonNode ops = requestObject("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web", "application/json-patch+json",
        "[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/env/-\",\"value\":{\"name\":\"DB_PASSWORD\",\"value\":\""
            + PASSWORD + "\"}},"
            + "{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/env/3/value\",\"value\":\"" + PASSWORD + "\"},"
            + "{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]");

    assertThat(ops.get(0).path("value").path("name").asText()).isEqualTo("DB_PASSWORD");
    assertThat(ops.get(0).path("value").path("value").asText()).startsWith("kubeguard-masked:");
    assertThat(ops.get(1).path("value").asText()).startsWith("kubeguard-masked:");
    assertThat(ops.get(2).path("value").asInt()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"application/strategic-merge-patch+json", "application/merge-patch+json"})
  void patchOfASecretWithoutKindIsMaskedAsASecretAndRecordedWithoutOne(String type) throws Exception {
    JsonNode patch = requestObject("PATCH", SECRET, type,
        "{\"metadata\":{\"labels\":{\"tier\":\"db\"}},\"data\":{\"password\":\"" + base64(PASSWORD) + "\"},"
            + "\"stringData\":{\"user\":\"" + PASSWORD + "\"}}");

    assertThat(patch.has("kind")).as("no kind is invented in the record").isFalse();
    assertThat(patch.path("metadata").path("labels").path("tier").asText()).isEqualTo("db");
    assertThat(patch.path("stringData").path("user").asText()).startsWith("kubeguard-masked:");
  }

  @Test
  void patchOfAConfigMapWithoutKindMasksOnlyItsSensitiveKeys() throws Exception {
    JsonNode patch = requestObject("PATCH", CONFIG, "application/merge-patch+json",
        "{\"data\":{\"db_password\":\"" + PASSWORD + "\",\"mode\":\"fast\"}}");

    assertThat(patch.path("data").path("db_password").asText()).startsWith("kubeguard-masked:");
    assertThat(patch.path("data").path("mode").asText()).isEqualTo("fast");
  }

  @Test
  void applyPatchYamlIsMaskedAndRecordedAsJson() throws Exception {
    JsonNode applied = requestObject("PATCH", SECRET + "?fieldManager=kubectl", "application/apply-patch+yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\nstringData:\n  password: " + PASSWORD + "\n");

    assertThat(applied.path("kind").asText()).isEqualTo("Secret");
    assertThat(applied.path("stringData").path("password").asText()).startsWith("kubeguard-masked:");
  }

  @Test
  void createOfASecretIsMasked() throws Exception {
    JsonNode created = requestObject("POST", "/api/v1/namespaces/shop/secrets", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"data\":{\"password\":\"" + base64(PASSWORD) + "\"}}");

    assertThat(created.path("metadata").path("name").asText()).isEqualTo("db");
  }

  @Test
  void aBodyThatIsNeitherJsonNorYamlIsLeftOutWithAPlaceholder() throws Exception {
    JsonNode body = requestObject("POST", "/api/v1/namespaces/shop/configmaps", "application/vnd.kubernetes.protobuf",
        "k8s\0" + PASSWORD);

    assertThat(body.path("kubeguard.dev/withheld").asText()).isEqualTo("request body could not be masked");
  }

  @Test
  void sensitiveQueryValuesAreMaskedKeepingNamesAndOrder() throws Exception {
    JsonNode line = recorded("GET", "/api/v1/namespaces/shop/configmaps?limit=5&password=" + PASSWORD
        + "&token=" + PASSWORD + "&labelSelector=app%3Dweb&watch", null, null);

    String uri = line.path("requestURI").asText();
    assertThat(uri).startsWith("/api/v1/namespaces/shop/configmaps?limit=5&password=kubeguard-masked%3A")
        .contains("&token=kubeguard-masked%3A").endsWith("&labelSelector=app%3Dweb&watch");
  }

  @Test
  void queryValuesGoThroughTheValueDetectors() throws Exception {
    JsonNode line = recorded("GET", "/api/v1/namespaces/shop/pods?fieldSelector=spec.nodeName%3Dn1&q=password%3D" + PASSWORD, null, null);

    assertThat(line.path("requestURI").asText()).startsWith("/api/v1/namespaces/shop/pods?fieldSelector=spec.nodeName%3Dn1&q=password%3D")
        .contains("kubeguard-masked");
  }

  @Test
  void execCommandArgumentsAreMaskedInTheRecordedUri() throws Exception {
    JsonNode pair = recorded("POST", "/api/v1/namespaces/shop/pods/db-0/exec?command=sh&command=-c&command="
        + "PGPASSWORD%3D" + PASSWORD + "%20psql&container=db&stdout=true", null, null);
    JsonNode flag = recorded("POST", "/api/v1/namespaces/shop/pods/db-0/exec?command=mysql&command=--password&command="
        + PASSWORD + "&stdin=true", null, null);

    assertThat(pair.path("requestURI").asText())
        .startsWith("/api/v1/namespaces/shop/pods/db-0/exec?command=sh&command=-c&command=PGPASSWORD%3Dkubeguard-masked%3A")
        .endsWith("+psql&container=db&stdout=true");
    assertThat(flag.path("requestURI").asText())
        .startsWith("/api/v1/namespaces/shop/pods/db-0/exec?command=mysql&command=--password&command=kubeguard-masked%3A")
        .endsWith("&stdin=true");
  }

  @Test
  void aQueryValueThatDoesNotDecodeIsLeftOutWithAPlaceholder() throws Exception {
    JsonNode line = recorded("GET", "/api/v1/namespaces/shop/configmaps?limit=5&note=" + PASSWORD + "%zz", null, null);

    assertThat(line.path("requestURI").asText()).isEqualTo("/api/v1/namespaces/shop/configmaps?limit=5&note=kubeguard-withheld");
  }

  @Test
  void aDeniedRequestIsRecordedWithItsQueryMaskedToo() throws Exception {
    Guard denying = Guard.builder().policy(q -> Decision.deny("no-exec", "no shells")).recorder(recorder).build();
    KubeRequest exec = KubeRequest.of("POST", "/api/v1/namespaces/shop/pods/db-0/exec?command=env&command=TOKEN%3D" + PASSWORD);

    denying.begin(BOB, exec, CallContext.now());
    recorder.sync();

    String text = Files.readString(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
    assertThat(text).contains("/exec?command=env&command=TOKEN%3Dkubeguard-masked%3A").doesNotContain(PASSWORD);
  }
}

package dev.kubeguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The Guard's own answers measured against what a real kube-apiserver sends. */
class GuardCapturesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Identity BOB = Identity.of("bob", "developers", Identity.AUTHENTICATED);
  private static final KubeRequest GET_SECRET = KubeRequest.of("GET", "/api/v1/namespaces/shop/secrets/db-creds");

  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  private Guard.Builder guard(PolicyEngine policy) {
    return Guard.builder().policy(policy).recorder(events::add);
  }

  @Test
  void denialIsAKubernetesForbiddenStatusNamingRuleAndReason() throws Exception {
    GuardedExchange v = guard(q -> Decision.deny("no-secrets", "secrets are off limits")).build()
        .begin(BOB, GET_SECRET, CallContext.now());

    assertThat(v.denied()).isTrue();
    assertThat(v.statusCode()).isEqualTo(403);
    JsonNode ours = JSON.readTree(v.statusBody());
    JsonNode real = JSON.readTree(Fixtures.bytes("status-403-forbidden.json"));
    // Same fields in the same places as the real apiserver's Forbidden; our message extends theirs.
    assertThat(ours.get("kind")).isEqualTo(real.get("kind"));
    assertThat(ours.get("apiVersion")).isEqualTo(real.get("apiVersion"));
    assertThat(ours.get("status")).isEqualTo(real.get("status"));
    assertThat(ours.get("reason")).isEqualTo(real.get("reason"));
    assertThat(ours.get("code")).isEqualTo(real.get("code"));
    assertThat(ours.get("details")).isEqualTo(real.get("details"));
    assertThat(ours.get("message").asText())
        .isEqualTo(real.get("message").asText() + ": kubeguard: secrets are off limits (rule \"no-secrets\")");
  }

  @Test
  void byDefaultResponsesAreMaskedAndUnreadableOnesWithheld() throws Exception {
    Guard g = guard(q -> Decision.allow()).build();
    GuardedExchange protobuf = g.begin(BOB, GET_SECRET, CallContext.now());
    assertThat(protobuf.respond(200, "application/vnd.kubernetes.protobuf", "", false, chunk -> {}))
        .isInstanceOf(GuardedExchange.Reply.Withhold.class);
    assertThat(events).last().satisfies(e -> {
      assertThat(e.stage()).isEqualTo(AuditEvent.Stage.ResponseComplete);
      assertThat(e.responseStatus().code()).isEqualTo(500);
      assertThat(e.responseStatus().reason()).isEqualTo("InternalError");
      assertThat(e.responseStatus().message()).contains("protobuf");
    });

    GuardedExchange json = g.begin(BOB, GET_SECRET, CallContext.now());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GuardedExchange.Reply reply = json.respond(200, "application/json", null, false, chunk -> {
      byte[] b = new byte[chunk.remaining()];
      chunk.get(b);
      out.write(b);
    });
    MaskingStream s = ((GuardedExchange.Reply.Pass) reply).body();
    byte[] secret = Fixtures.bytes("secret-get.json");
    for (int i = 0; i < secret.length; i += 100) {
      s.write(ByteBuffer.wrap(secret, i, Math.min(100, secret.length - i)));
    }
    s.finish();
    String masked = out.toString(StandardCharsets.UTF_8);
    assertThat(JSON.readTree(masked).at("/metadata/name").asText()).isEqualTo("db-creds");
    assertThat(masked).doesNotContain("S3cr3t-Pa55w0rd!").doesNotContain("UzNjcjN0LVBhNTV3MHJkIQ==");
    assertThat(events).last().satisfies(e -> assertThat(e.annotations().get("kubeguard.dev/masked-fields")).isNotEqualTo("0"));
  }

}

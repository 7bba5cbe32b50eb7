package dev.kubeguard.opa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Decision.Effect;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Whatever OPA answers, the engine decides without throwing, and allows only what an explicit
 * allow says.
 */
class OpaResultPropertyTest {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** The member names the engine reads, so random objects hit them often. */
  private static final List<String> KEYS = List.of(
      "allow", "deny", "reasons", "require_approval", "audit_level", "masking_profile", "approver_groups",
      "count", "ttl", "mode", "kind", "status", "allowed", "denied", "reason", "x");
  private static final List<String> STRINGS = List.of(
      "", "SubjectAccessReview", "15m", "1h30m", "-5s", "blocking", "request_then_retry", "Metadata",
      "RequestResponse", "loud", "strict", "nope");

  @Test
  void neverThrowsAndAllowsOnlyOnAnExplicitAllow() {
    AtomicReference<byte[]> answer = new AtomicReference<>();
    OpaPolicyEngine engine = OpaPolicyEngine.builder()
        .url(URI.create("http://opa.test/v1/data/kubeguard/decision"))
        .transport(req -> new OpaResponse(200, answer.get()))
        .build();

    java.util.Map<Effect, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();
    // A fixed seed: the coverage check below must not depend on the luck of one run.
    qt().withFixedSeed(20261201L).withExamples(400).forAll(json(3)).checkAssert(result -> {
      ObjectNode root = F.objectNode();
      root.set("result", result);
      answer.set(root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));

      Decision d = engine.decide(Requests.createDeployment());

      assertThat(d).isNotNull();
      seen.merge(d.effect(), 1, Integer::sum);
      if (d.effect() == Effect.ALLOW) {
        assertThat(explicitlyAllows(result)).as("allowed %s", result).isTrue();
      }
      if (d.effect() == Effect.REQUIRE_APPROVAL) {
        assertThat(d.obligations().approval()).isNotNull();
        assertThat(result.path("deny").asBoolean(false)).isFalse();
      }
    });
    // A generator that never produced an allow or an approval would make the property vacuous.
    assertThat(seen).containsKeys(Effect.ALLOW, Effect.DENY, Effect.REQUIRE_APPROVAL);
  }

  @Test
  void neverThrowsOnArbitraryBytes() {
    AtomicReference<byte[]> answer = new AtomicReference<>();
    OpaPolicyEngine engine = OpaPolicyEngine.builder()
        .url(URI.create("http://opa.test/v1/data/kubeguard/decision"))
        .transport(req -> new OpaResponse(200, answer.get()))
        .build();

    qt().withExamples(200)
        .forAll(SourceDSL.strings().allPossible().ofLengthBetween(0, 40))
        .checkAssert(text -> {
          answer.set(("{\"result\": " + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          Decision d = engine.decide(Requests.createDeployment());
          assertThat(d.effect()).isIn(Effect.DENY, Effect.ALLOW, Effect.REQUIRE_APPROVAL);
          if (d.effect() == Effect.ALLOW) {
            assertThat(text).startsWith("true}");
          }
        });
  }

  /** What a decision field may be set to; {@code null} here means the field is left out. */
  private static final List<JsonNode> FIELD_VALUES = java.util.Arrays.asList(
      null, F.booleanNode(true), F.booleanNode(false), F.textNode("true"), F.textNode("false"), F.textNode(""),
      F.numberNode(0), F.numberNode(1), F.numberNode(1.0), F.nullNode(), F.objectNode(),
      F.objectNode().put("value", true), F.arrayNode(), F.arrayNode().add("no writes on Fridays"),
      F.arrayNode().add(true));

  @Test
  void allowsOnlyWhenEveryDecisionFieldIsABooleanThatSaysAllow() throws java.io.IOException {
    try (FakeOpa opa = new FakeOpa()) {
      OpaPolicyEngine engine = OpaPolicyEngine.builder().url(opa.url("kubeguard/decision"))
          .timeout(java.time.Duration.ofSeconds(5)).build();
      java.util.Map<Effect, Integer> seen = new java.util.EnumMap<>(Effect.class);
      // Every pairing of the field values, in both answer shapes: the domain is small enough to
      // check whole. A random draw of it once went a whole run (222 distinct draws) without the
      // one allowing pairing in a hundred, and the coverage check below failed on that luck.
      for (boolean review : new boolean[] {false, true}) {
        for (JsonNode allowValue : FIELD_VALUES) {
          for (JsonNode denyValue : FIELD_VALUES) {
            seen.merge(checkDecisionFields(opa, engine, review, allowValue, denyValue), 1, Integer::sum);
          }
        }
      }
      assertThat(seen).containsKeys(Effect.ALLOW, Effect.DENY);
    }
  }

  private static Effect checkDecisionFields(FakeOpa opa, OpaPolicyEngine engine, boolean review,
      JsonNode allowValue, JsonNode denyValue) {
    String allowField = review ? "status.allowed" : "allow";
    String denyField = review ? "status.denied" : "deny";
    ObjectNode fields = F.objectNode();
    if (allowValue != null) {
      fields.set(review ? "allowed" : "allow", allowValue);
    }
    if (denyValue != null) {
      fields.set(review ? "denied" : "deny", denyValue);
    }
    ObjectNode result = fields;
    if (review) {
      result = F.objectNode().put("apiVersion", "authorization.k8s.io/v1").put("kind", "SubjectAccessReview");
      result.set("status", fields);
    }
    ObjectNode root = F.objectNode();
    root.set("result", result);
    opa.answer(200, root.toString());

    Decision d = engine.decide(Requests.createDeployment());

    // The decision object's deny may also be a Rego set of reason strings: empty does not deny.
    boolean denySaysNo = denyValue == null || denyValue.equals(F.booleanNode(false))
        || (!review && denyValue.isArray() && denyValue.isEmpty());
    boolean allows = allowValue != null && allowValue.equals(F.booleanNode(true)) && denySaysNo;
    assertThat(d.effect()).as("%s", result).isEqualTo(allows ? Effect.ALLOW : Effect.DENY);
    if (allowValue != null && !allowValue.isBoolean()) {
      assertThat(d.reason()).as("%s", result).contains(allowField + " must be a JSON boolean");
    }
    boolean denyWellTyped = denyValue == null || denyValue.isBoolean()
        || (!review && denyValue.isArray() && (denyValue.isEmpty() || denyValue.get(0).isTextual()));
    if (!denyWellTyped) {
      assertThat(d.reason()).as("%s", result).contains(denyField + " must");
    }
    return d.effect();
  }

  /** {@code true}; a decision object with allow true and no deny; or an allowing SubjectAccessReview. */
  private static boolean explicitlyAllows(JsonNode r) {
    if (r.isBoolean()) {
      return r.booleanValue();
    }
    if (!r.isObject()) {
      return false;
    }
    if ("SubjectAccessReview".equals(r.path("kind").asText(null)) && r.has("status")) {
      JsonNode s = r.get("status");
      return s.path("allowed").isBoolean() && s.get("allowed").booleanValue()
          && !(s.path("denied").isBoolean() && s.get("denied").booleanValue());
    }
    JsonNode deny = r.path("deny");
    boolean noDeny = deny.isMissingNode() || deny.isNull()
        || (deny.isBoolean() && !deny.booleanValue()) || (deny.isArray() && deny.isEmpty());
    return r.path("allow").isBoolean() && r.get("allow").booleanValue() && noDeny;
  }

  private static Gen<JsonNode> json(int depth) {
    Gen<JsonNode> leaf = SourceDSL.integers().between(0, 5).zip(
        SourceDSL.integers().between(-3, 200), SourceDSL.integers().between(0, STRINGS.size() - 1),
        (kind, n, s) -> switch (kind) {
          case 0 -> F.booleanNode(true);
          case 1 -> F.booleanNode(false);
          case 2 -> F.numberNode(n);
          case 3 -> F.textNode(STRINGS.get(s));
          case 4 -> F.nullNode();
          default -> F.numberNode(n / 7.0);
        });
    if (depth == 0) {
      return leaf;
    }
    Gen<JsonNode> child = json(depth - 1);
    Gen<List<JsonNode>> children = SourceDSL.lists().of(child).ofSizeBetween(0, 4);
    Gen<List<Integer>> keys = SourceDSL.lists().of(SourceDSL.integers().between(0, KEYS.size() - 1)).ofSizeBetween(4, 4);
    return SourceDSL.integers().between(0, 3).zip(leaf, children, keys, (kind, l, kids, ks) -> {
      switch (kind) {
        case 0:
          return l;
        case 1: {
          ArrayNode a = F.arrayNode();
          kids.forEach(a::add);
          return a;
        }
        default: {
          ObjectNode o = F.objectNode();
          for (int i = 0; i < kids.size(); i++) {
            o.set(KEYS.get(ks.get(i)), kids.get(i));
          }
          if (kind == 3) {
            o.put("allow", true);
          }
          return o;
        }
      }
    });
  }
}

package dev.kubeguard.core.policy;

import static dev.kubeguard.core.policy.RbacYaml.resourceRule;
import static dev.kubeguard.core.policy.RbacYaml.role;
import static dev.kubeguard.core.policy.RbacYaml.roleBinding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GuardPolicy {@code spec.defaults} are the defaults of every rule loaded with them, RBAC included. */
class PolicyDefaultsTest {

  @TempDir Path dir;

  private static final String POD_READER =
      resourceRule(List.of("get", "list"), List.of(""), List.of("pods"), List.of());

  private static String guardPolicy(String name, String defaults, String rules) {
    return "---\napiVersion: kubeguard.dev/v1\nkind: GuardPolicy\nmetadata: {name: " + name + "}\nspec:\n"
        + (defaults.isEmpty() ? "" : "  defaults: " + defaults + "\n") + "  rules:\n" + rules;
  }

  private static final String DENY_SECRETS =
      "  - name: no-secrets\n    subjects: {users: [\"*\"]}\n    effect: deny\n"
          + "    match: {verbs: [\"*\"], apiGroups: [\"\"], resources: [secrets]}\n";

  private static Attributes pods(String verb, String namespace) {
    return Attributes.resource(verb, "", "v1", "pods", "", namespace, "");
  }

  @Test
  void aRequestAllowedByRbacGetsTheGuardPolicyDefaultAuditLevel() throws Exception {
    Files.writeString(dir.resolve("00-guard.yaml"),
        guardPolicy("guard", "{auditLevel: RequestResponse, maskingProfile: strict}", DENY_SECRETS));
    Files.writeString(dir.resolve("10-role.yaml"), role("shop", "pod-reader", POD_READER));
    Files.writeString(dir.resolve("20-binding.yaml"), roleBinding("shop", "read", "Role", "pod-reader", "User:bob"));

    Decision d = PolicyLoader.load(dir).decide(Identity.of("bob"), pods("get", "shop"));

    assertThat(d.isAllowed()).isTrue();
    assertThat(d.ruleId()).isEqualTo("rbac:RoleBinding/shop/read");
    assertThat(d.obligations().auditLevel()).isEqualTo(AuditLevel.REQUEST_RESPONSE);
    assertThat(d.obligations().maskingProfile()).isEqualTo("strict");
  }

  @Test
  void theDefaultsApplyWhateverTheOrderOfTheFiles() throws Exception {
    Files.writeString(dir.resolve("00-binding.yaml"),
        role("shop", "pod-reader", POD_READER) + roleBinding("shop", "read", "Role", "pod-reader", "User:bob"));
    Files.writeString(dir.resolve("99-guard.yaml"), guardPolicy("guard", "{auditLevel: Request}", DENY_SECRETS));

    Decision d = PolicyLoader.load(dir).decide(Identity.of("bob"), pods("list", "shop"));

    assertThat(d.obligations().auditLevel()).isEqualTo(AuditLevel.REQUEST);
  }

  @Test
  void aGuardPolicyWithoutDefaultsTakesThoseOfAnotherLoadedWithIt() throws Exception {
    String allowPods = "  - name: pods\n    subjects: {users: [\"*\"]}\n    effect: allow\n"
        + "    match: {verbs: [get], apiGroups: [\"\"], resources: [pods]}\n";
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        guardPolicy("a", "{auditLevel: RequestResponse}", DENY_SECRETS) + guardPolicy("b", "", allowPods));

    assertThat(e.decide(Identity.of("bob"), pods("get", "x")).obligations().auditLevel())
        .isEqualTo(AuditLevel.REQUEST_RESPONSE);
  }

  @Test
  void withoutAnyDefaultsRbacRulesRecordMetadata() throws Exception {
    GuardPolicyEngine e = PolicyLoader.fromYaml("t",
        role("shop", "pod-reader", POD_READER) + roleBinding("shop", "read", "Role", "pod-reader", "User:bob"));

    assertThat(e.decide(Identity.of("bob"), pods("get", "shop")).obligations().auditLevel())
        .isEqualTo(AuditLevel.METADATA);
  }

  @Test
  void guardPoliciesWithConflictingDefaultsAreALoadErrorNamingBothPlaces() {
    String yaml = guardPolicy("a", "{auditLevel: RequestResponse}", DENY_SECRETS)
        + guardPolicy("b", "{auditLevel: Metadata}", DENY_SECRETS.replace("no-secrets", "no-secrets-2"));

    assertThatThrownBy(() -> PolicyLoader.fromYaml("two.yaml", yaml))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("spec.defaults.auditLevel")
        .hasMessageContaining("differs from the default set in two.yaml document 1")
        .hasMessageContaining("RBAC bindings");
  }

  @Test
  void ruleObligationsStillOverrideTheDefaults() throws Exception {
    String rule = "  - name: pods\n    subjects: {users: [\"*\"]}\n    effect: allow\n"
        + "    match: {verbs: [get], apiGroups: [\"\"], resources: [pods]}\n    obligations: {auditLevel: None}\n";
    GuardPolicyEngine e = PolicyLoader.fromYaml("t", guardPolicy("a", "{auditLevel: RequestResponse}", rule));

    assertThat(e.decide(Identity.of("bob"), pods("get", "x")).obligations().auditLevel()).isEqualTo(AuditLevel.NONE);
  }
}

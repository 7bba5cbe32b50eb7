package dev.kubeguard.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A decision allocates nothing, whatever path through the index it takes (exact and glob
 * subjects, namespace globs, subresources, non-resource URLs, every effect, no rule at all), and
 * whether or not the JIT has compiled it: garbage per decision was the decision's whole p99 tail
 * (see {@link Winner}). Bytes are counted by the JVM for this thread, so the check does not
 * depend on timing.
 */
class DecisionAllocationTest {

  private static final String POLICY = """
      apiVersion: kubeguard.dev/v1
      kind: GuardPolicy
      metadata: {name: shop}
      spec:
        rules:
          - name: devs-read
            subjects: {groups: [devs]}
            effect: allow
            match: {verbs: [get, list], apiGroups: [""], resources: [pods, pods/log], namespaces: ["team-*"]}
          - name: builders
            subjects: {users: ["system:serviceaccount:team-*:builder"]}
            effect: allow
            match: {verbs: [get], apiGroups: [""], resources: [configmaps]}
          - name: mail-users
            subjects: {users: ["*@example.com"]}
            effect: allow
            match: {verbs: [get], apiGroups: ["*"], resources: ["*/scale"]}
          - name: no-exec
            subjects: {groups: ["dev*"]}
            effect: deny
            match: {verbs: [create], apiGroups: [""], resources: [pods/exec]}
          - name: approve-deletes
            subjects: {groups: [devs]}
            effect: approve
            approval: {approverGroups: [leads]}
            match: {verbs: [delete], apiGroups: [""], resources: [pods]}
          - name: health
            subjects: {groups: [system:authenticated]}
            effect: allow
            match: {verbs: [get], nonResourceURLs: [/healthz, "/logs/*"]}
      """;

  private record Question(Identity identity, Attributes attributes, Decision.Effect expected) {}

  @Test
  void aDecisionAllocatesNothingOnAnyPath() throws Exception {
    GuardPolicyEngine engine = PolicyLoader.fromYaml("shop.yaml", POLICY);
    Identity dev = Identity.of("carol", "devs", "system:authenticated");
    List<Question> questions = List.of(
        new Question(dev, Attributes.resource("get", "", "v1", "pods", "", "team-a", "web"), Decision.Effect.ALLOW),
        new Question(dev, Attributes.resource("get", "", "v1", "pods", "log", "team-a", "web"), Decision.Effect.ALLOW),
        new Question(dev, Attributes.resource("create", "", "v1", "pods", "exec", "team-a", "web"), Decision.Effect.DENY),
        new Question(dev, Attributes.resource("delete", "", "v1", "pods", "", "team-a", "web"), Decision.Effect.REQUIRE_APPROVAL),
        new Question(dev, Attributes.resource("get", "", "v1", "secrets", "", "team-a", "db"), Decision.Effect.DENY),
        new Question(dev, Attributes.nonResource("get", "/logs/kube"), Decision.Effect.ALLOW),
        new Question(Identity.of("system:serviceaccount:team-b:builder", "system:serviceaccounts"),
            Attributes.resource("get", "", "v1", "configmaps", "", "team-b", "cfg"), Decision.Effect.ALLOW),
        new Question(Identity.of("ann@example.com"),
            Attributes.resource("get", "apps", "v1", "deployments", "scale", "team-b", "web"), Decision.Effect.ALLOW));
    for (Question q : questions) {
      assertThat(engine.decide(q.identity(), q.attributes()).effect()).as("%s", q).isEqualTo(q.expected());
    }

    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    int decisions = 0;
    long before = threads.getThreadAllocatedBytes(id);
    // Index loops: an iterator would be the only garbage here.
    for (int round = 0; round < 5_000; round++) {
      for (int i = 0; i < questions.size(); i++) {
        Question q = questions.get(i);
        if (engine.decide(q.identity(), q.attributes()) == null) {
          throw new AssertionError("no decision");
        }
        decisions++;
      }
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;

    // The slack is for the counter's own reads; a byte per decision would be 40,000.
    assertThat(allocated).as("bytes allocated by %d decisions", decisions).isLessThan(1_024);
  }
}

package dev.kubeguard.docs;

// tag::imports[]
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.approval.ManualApprover;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
// end::imports[]

/** The README's quick start, compiled. DocsTest checks README.md quotes it verbatim. */
final class QuickStart {

  /** Throws what the snippet's calls throw: PolicyLoadException (policy) and IOException (audit file). */
  static void run() throws Exception {
    // tag::quickstart[]
    ManualApprover approvals = new ManualApprover();                    // your chat bot or CLI answers it
    Guard guard = Guard.builder()
        .policy(PolicyLoader.load(Path.of("policy.yaml")))              // GuardPolicy and/or RBAC manifests
        .recorder(JsonlAuditRecorder.builder().path(Path.of("audit.jsonl")).chainKey(ChainKey.fromEnv("KUBEGUARD_AUDIT_KEY")).build())
        .approver(approvals)
        .build();                                                       // masks with DefaultMasker by default
    GuardedKubernetesClient k8s = KubeGuardFabric8.guard(new KubernetesClientBuilder(), guard);
    Identity alice = Identity.of("alice", "developers");                // or OidcAuthenticator.authenticate(token)
    KubernetesClient asAlice = k8s.as(alice, CallContext.forTool("get_secret", "session-1"));
    asAlice.secrets().inNamespace("shop").withName("db-creds").get();   // decided, masked, recorded
    // end::quickstart[]
  }

  private QuickStart() {}
}

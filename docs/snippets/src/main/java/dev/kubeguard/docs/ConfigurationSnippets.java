package dev.kubeguard.docs;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.approval.ManualApprover;
import dev.kubeguard.core.audit.ActiveFileLoss;
import dev.kubeguard.core.audit.AuditCheckpoints;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.Durability;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.mask.MaskingProfile;
import dev.kubeguard.core.oidc.OidcAuthenticator;
import dev.kubeguard.core.oidc.OidcIssuer;
import dev.kubeguard.opa.OpaPolicyEngine;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/** The code blocks of docs/configuration.md, compiled. DocsTest checks the document quotes them verbatim. */
final class ConfigurationSnippets {

  static Guard guardBuilder(PolicyEngine policy, ManualApprover approvals, DefaultMasker masker,
      JsonlAuditRecorder recorder) {
    // tag::guard-builder[]
    Guard guard = Guard.builder()
        .policy(policy)                          // required: GuardPolicyEngine, OpaPolicyEngine or yours
        .approver(approvals)                     // default none: a rule asking approval denies
        .masker(masker)                          // default DefaultMasker, default profile, random key
        .recorder(recorder)                      // default none (build() warns): nothing is recorded
        .approvalTimeout(Duration.ofMinutes(5))  // how long a Blocking approval holds the caller
        .maxRequestBodyBytes(3 * 1024 * 1024)    // larger request bodies are denied
        .auditBodyLimit(64 * 1024)               // the most of a masked body an event keeps
        .maxPendingApprovals(10_000)             // past this, new approvals are refused (denied)
        .recordingFailureAllows(false)           // true: forward even when the event was not recorded
        .build();
    // end::guard-builder[]
    return guard;
  }

  static DefaultMasker masker() {
    // tag::masker[]
    byte[] key = Base64.getDecoder().decode(System.getenv("KUBEGUARD_MASKING_KEY")); // >= 16 bytes, same on every replica
    DefaultMasker masker = DefaultMasker.builder()
        .key(key)                                // or randomKey(): tokens then differ per process
        .profile(MaskingProfile.builder("strict")
            .basedOn(MaskingProfile.DEFAULT)
            .fieldPath("ConfigMap", "data")      // every ConfigMap value, not just sensitive-looking keys
            .fieldPath("*", "metadata.annotations[example.com/credentials]")
            .sensitiveName("(?i)^conn(ection)?_?str")
            .detector("corp_[A-Za-z0-9]{32}")
            .build())
        .maxHeldBytes(4 * 1024 * 1024)           // longest string / held field / log line
        .maxDepth(200)
        .maxEmbeddedBytes(512 * 1024)            // longest JSON string masked inside
        .build();
    // end::masker[]
    return masker;
  }

  static JsonlAuditRecorder recorder() throws Exception {
    ECKey signingKey = ECKey.parse(Files.readString(Path.of("/etc/kubeguard/checkpoint-key.json")));
    // tag::recorder[]
    JsonlAuditRecorder recorder = JsonlAuditRecorder.builder()
        .path(Path.of("/var/log/kubeguard/audit.jsonl"))
        .chainKey(ChainKey.fromFile(Path.of("/etc/kubeguard/audit-chain.key")))  // required: HMAC key, base64
        .onActiveFileLost(ActiveFileLoss.RECOVER) // deleted/replaced file: restore it (or FAIL: deny)
        .maxFileBytes(100L << 20)                // rotate before 100 MiB
        .durability(Durability.DEFAULT)          // written to the OS, fsync every second; or perEvent(), interval(d)
        .queueCapacity(8192)
        .offerTimeout(Duration.ofMillis(100))    // full queue for this long: record() throws, request denied
        .ackTimeout(Duration.ofSeconds(5))       // line not written (perEvent: fsynced) in time: record() throws
        .checkpoints(new AuditCheckpoints(new ECDSASigner(signingKey), JWSAlgorithm.ES256, "k1",
            1000, Duration.ofMinutes(1)))        // sign the chain head every 1000 events or minute, and at close
        .build();
    // end::recorder[]
    return recorder;
  }

  static OidcAuthenticator oidc() {
    // tag::oidc[]
    OidcAuthenticator authenticator = OidcAuthenticator.builder()
        .issuer(OidcIssuer.builder(URI.create("https://login.example.com"))
            .audience("kubeguard")               // --oidc-client-id; required
            .usernameClaim("email")              // default sub
            .groupsClaim("groups").groupsPrefix("oidc:")
            .requiredClaim("hd", "example.com")
            .algorithms("RS256", "ES256")        // default RS256
            .build())
        .clockSkew(Duration.ofSeconds(60))
        .httpTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5))
        .eagerDiscovery(true)                    // fail build() now if the issuer is unreachable
        .build();
    // end::oidc[]
    return authenticator;
  }

  static OpaPolicyEngine opa() {
    // tag::opa[]
    OpaPolicyEngine opa = OpaPolicyEngine.builder()
        .url(URI.create("http://127.0.0.1:8181/v1/data/kubeguard/decision"))
        .timeout(Duration.ofMillis(250))         // default; a timeout is a denial
        .bearerToken(() -> System.getenv("OPA_TOKEN"))
        .decisionCache(Duration.ofSeconds(5), 10_000)   // default off
        .maxBodyBytes(1024 * 1024)               // larger bodies are left out of the input
        .build();
    // end::opa[]
    return opa;
  }

  static void approvals(Identity lead) {
    // tag::approvals[]
    ManualApprover approvals = new ManualApprover()
        .onRequest(r -> System.out.println("approval " + r.id() + " asked for " + r.request().attributes()));
    // later, from your admin endpoint or chat bot, as the verified approver:
    approvals.pending().forEach(r -> approvals.approve(r.id(), lead, "ok, ticket OPS-42"));
    // end::approvals[]
  }

  private ConfigurationSnippets() {}
}

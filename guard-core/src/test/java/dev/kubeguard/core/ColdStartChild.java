package dev.kubeguard.core;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.mask.ChildJvm;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.policy.PolicyLoader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a short-lived tool does, in a JVM of its own ({@link ColdStartTest}): builds a Guard as the
 * README does (a YAML policy, the default masker, a JSONL trail at its default durability), makes
 * one GET of a real Secret capture through it and closes the trail. Reports how many values were
 * masked and how many lines the trail holds; prints no body.
 */
public final class ColdStartChild {

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("kubeguard-cold-start");
    JsonlAuditRecorder trail = JsonlAuditRecorder.builder().path(dir.resolve("audit.jsonl")).chainKey(ChainKey.generate()).build();
    Guard guard = Guard.builder()
        .policy(PolicyLoader.fromYaml("cold.yaml", """
            apiVersion: kubeguard.dev/v1
            kind: GuardPolicy
            metadata: {name: cold}
            spec:
              rules:
              - name: shop-readers
                subjects: {groups: [developers]}
                effect: allow
                match: {verbs: [get], apiGroups: [""], resources: [secrets], namespaces: [shop]}
            """))
        .masker(DefaultMasker.builder().randomKey().build())
        .recorder(trail)
        .build();
    GuardedExchange x = guard.begin(Identity.of("bob", "developers", Identity.AUTHENTICATED),
        new KubeRequest("GET", "/api/v1/namespaces/shop/secrets/db-creds", Map.of("Accept", List.of("application/json")), null),
        CallContext.forTool("get_secret", "cold"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResponseStream body = ((GuardedExchange.Reply.Pass) x.respond(200, "application/json", null, false, chunk -> {
      byte[] b = new byte[chunk.remaining()];
      chunk.get(b);
      out.write(b);
    })).body();
    try (InputStream in = ColdStartChild.class.getResourceAsStream("mask/apiserver-v1.28/secret-get.json")) {
      body.write(ByteBuffer.wrap(in.readAllBytes()));
    }
    body.finish();
    trail.close();
    ChildJvm.report("masked", body.maskedCount());
    ChildJvm.report("trailLines", Files.readAllLines(dir.resolve("audit.jsonl")).size());
  }

  private ColdStartChild() {}
}

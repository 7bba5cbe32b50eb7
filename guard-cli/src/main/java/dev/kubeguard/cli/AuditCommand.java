package dev.kubeguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.audit.AuditEvents;
import dev.kubeguard.core.audit.AuditVerificationResult;
import dev.kubeguard.core.audit.AuditVerifier;
import dev.kubeguard.core.policy.PolicyLoadException;
import dev.kubeguard.core.policy.PolicyLoader;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kubeguard audit verify|replay}: checks a chained audit trail, or replays its recorded
 * requests against a policy.
 *
 * <ul>
 *   <li>{@code audit verify [--tolerate-incomplete] [--checkpoint FILE --key JWK] [--closed] FILE...}
 *       prints {@code OK <n> events} (exit 0) or {@code BROKEN <file>:<line>: <why>} (exit 1). Files
 *       are taken in the order given, oldest first.
 *   <li>{@code audit replay --policy FILE [--policy FILE] AUDIT...} prints one JSON line per
 *       recorded decision (recorded and replayed effect), then a JSON summary line (exit 0).
 * </ul>
 *
 * Usage errors exit 2. Stateless.
 */
final class AuditCommand implements Command {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public String usage() {
    return "audit verify [--tolerate-incomplete] [--checkpoint FILE --key JWK] [--closed] FILE... | "
        + "audit replay --policy FILE [--policy FILE] AUDIT...";
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
    if (args.isEmpty()) {
      err.println("kubeguard audit: say verify or replay\nusage: kubeguard " + usage());
      return 2;
    }
    List<String> rest = args.subList(1, args.size());
    return switch (args.get(0)) {
      case "verify" -> verify(rest, out, err);
      case "replay" -> replay(rest, out, err);
      default -> {
        err.println("kubeguard audit: unknown subcommand '" + args.get(0) + "'\nusage: kubeguard " + usage());
        yield 2;
      }
    };
  }

  private int verify(List<String> args, PrintStream out, PrintStream err) throws Exception {
    boolean tolerate = false;
    boolean closed = false;
    Path checkpoint = null;
    Path key = null;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--tolerate-incomplete" -> tolerate = true;
        case "--closed" -> closed = true;
        case "--checkpoint", "--key" -> {
          if (i + 1 >= args.size()) {
            err.println("kubeguard audit verify: " + a + " needs a file");
            return 2;
          }
          Path p = Path.of(args.get(++i));
          if (a.equals("--checkpoint")) {
            checkpoint = p;
          } else {
            key = p;
          }
        }
        default -> {
          if (a.startsWith("--")) {
            err.println("kubeguard audit verify: unknown option " + a);
            return 2;
          }
          files.add(Path.of(a));
        }
      }
    }
    if (files.isEmpty()) {
      err.println("kubeguard audit verify: name at least one audit file, oldest first");
      return 2;
    }
    if ((checkpoint == null) != (key == null) || (closed && checkpoint == null)) {
      err.println("kubeguard audit verify: --checkpoint and --key go together (and --closed needs them)");
      return 2;
    }
    AuditVerifier.Options options =
        checkpoint == null ? AuditVerifier.Options.strict() : AuditVerifier.Options.withCheckpoint(checkpoint, verifier(key));
    if (tolerate) {
      options = options.toleratingIncompleteLastLine();
    }
    if (closed) {
      options = options.closedChain();
    }
    AuditVerificationResult result = AuditVerifier.verify(files, options);
    out.println(result.summary());
    return result.ok() ? 0 : 1;
  }

  /** A verifier for the public JWK in {@code file} (EC or RSA). */
  private static JWSVerifier verifier(Path file) throws Exception {
    JWK jwk = JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
    if (jwk.isPrivate()) {
      jwk = jwk.toPublicJWK();
    }
    if (jwk instanceof ECKey ec) {
      return new ECDSAVerifier(ec);
    }
    if (jwk instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    throw new JOSEException("checkpoint key must be an EC or RSA JWK, got " + jwk.getKeyType());
  }

  private int replay(List<String> args, PrintStream out, PrintStream err) throws Exception {
    List<Path> policies = new ArrayList<>();
    List<Path> audits = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--policy")) {
        if (i + 1 >= args.size()) {
          err.println("kubeguard audit replay: --policy needs a file");
          return 2;
        }
        policies.add(Path.of(args.get(++i)));
      } else if (a.startsWith("--")) {
        err.println("kubeguard audit replay: unknown option " + a);
        return 2;
      } else {
        audits.add(Path.of(a));
      }
    }
    if (policies.isEmpty() || audits.isEmpty()) {
      err.println("kubeguard audit replay: needs --policy FILE and at least one audit file");
      return 2;
    }
    PolicyEngine engine;
    try {
      engine = PolicyLoader.load(policies);
    } catch (PolicyLoadException e) {
      err.println("kubeguard audit replay: cannot load policy: " + e.getMessage());
      return 2;
    }
    ReplayReport report = AuditReplay.replay(engine, audits, e -> out.println(entryJson(e)));
    ObjectNode summary = JSON.createObjectNode();
    ObjectNode s = summary.putObject("summary");
    s.put("replayed", report.replayed());
    s.put("unchanged", report.unchanged());
    s.put("allowedToDenied", report.allowedToDenied());
    s.put("deniedToAllowed", report.deniedToAllowed());
    s.put("otherChanges", report.otherChanges());
    s.put("skipped", report.skipped());
    out.println(summary);
    return 0;
  }

  private static String entryJson(ReplayEntry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("file", e.file().toString());
    n.put("line", e.line());
    n.put("auditID", e.auditId());
    n.put("user", e.user());
    n.put("verb", e.verb());
    n.put("requestURI", e.requestUri());
    n.put("recorded", AuditEvents.decisionWord(e.recorded()));
    n.put("replayed", AuditEvents.decisionWord(e.replayed()));
    n.put("changed", e.changed());
    n.put("rule", e.rule());
    n.put("reason", e.reason());
    if (e.policyError()) {
      n.put("policyError", true);
    }
    return n.toString();
  }
}

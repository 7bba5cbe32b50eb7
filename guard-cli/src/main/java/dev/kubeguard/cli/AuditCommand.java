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
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.policy.PolicyLoadException;
import dev.kubeguard.core.policy.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kubeguard audit verify|replay}: checks a chained audit trail, or replays its recorded
 * requests against a policy.
 *
 * <ul>
 *   <li>{@code audit verify [--key-file FILE | --no-key] [--head FILE] [--tolerate-incomplete]
 *       [--checkpoint FILE --checkpoint-key JWK [--closed]] FILE...} prints {@code OK <n> events}
 *       (exit 0) or {@code BROKEN <file>:<line>: <why>} (exit 1, also for an empty or missing
 *       trail). Files are taken in the order given, oldest first. The chain key comes from
 *       {@code --key-file} or the {@code KUBEGUARD_AUDIT_KEY} environment variable, never from
 *       the command line itself.
 *   <li>{@code audit replay --policy FILE [--policy FILE] AUDIT...} prints one JSON line per
 *       recorded decision (recorded and replayed effect), then a JSON summary line (exit 0).
 * </ul>
 *
 * Usage errors exit 2 ({@link Command#ERROR}). Stateless.
 */
final class AuditCommand implements Command {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> env;

  AuditCommand() {
    this(System.getenv());
  }

  /** With the environment to read {@code KUBEGUARD_AUDIT_KEY} from. */
  AuditCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public String usage() {
    return "audit verify [--key-file FILE | --no-key] [--checkpoint FILE --checkpoint-key JWK] FILE... | "
        + "audit replay --policy FILE [--policy FILE] AUDIT...";
  }

  private static final String VERIFY_HELP =
      """
      usage: kubeguard audit verify [--key-file FILE | --no-key] [--head FILE] [--tolerate-incomplete]
                                    [--checkpoint FILE --checkpoint-key JWK [--closed]] FILE...
        Checks a JSON Lines audit trail written by JsonlAuditRecorder: with the chain key, every
        line's mac and the sealed head (<last FILE>.head), so any edited, forged, deleted,
        inserted or reordered line, a cut tail and an emptied file break it. Give the files
        oldest first (rotated files, then the active one). Prints "OK <n> events" or
        "BROKEN <file>:<line>: <why>"; an empty or missing trail is BROKEN too.
        --key-file FILE        the chain key (base64, as the recorder's ChainKey.fromFile reads);
                               without it, the KUBEGUARD_AUDIT_KEY environment variable
        --no-key               no chain key: check only the plain hash chain (unkeyed development
                               trails, or a checkpoint check by someone without the key); this
                               misses anything done by someone who recomputes hashes
        --head FILE            the sealed head, if not <last FILE>.head
        --tolerate-incomplete  accept an unterminated last line (a crash mid-write)
        --checkpoint FILE      the signed checkpoint (<active file>.checkpoint); with
                               --checkpoint-key, also detects a tail cut off before it
        --checkpoint-key JWK   the public key (EC or RSA JWK file) the checkpoint is signed with
        --closed               the chain was closed: the checkpoint must cover its last line
      """ + EXIT_CODES;

  private static final String REPLAY_HELP =
      """
      usage: kubeguard audit replay --policy FILE [--policy FILE]... AUDIT...
        What a new policy would have decided for every request recorded in the audit trail:
        one JSON line per recorded decision (file, line, auditID, user, verb, requestURI,
        recorded and replayed effect, changed, rule, reason), then one summary line
        {"summary":{"replayed","unchanged","allowedToDenied","deniedToAllowed","otherChanges","skipped"}}.
        Exits 0 whatever changed: read the summary (or the lines) to gate on it.
      """ + EXIT_CODES;

  @Override
  public String help() {
    return """
        usage: kubeguard audit verify [options] FILE...
               kubeguard audit replay --policy FILE... AUDIT...
          verify: check an audit trail's hash chain (and signed checkpoint)
          replay: see what a new policy would have decided for every recorded request
          kubeguard audit verify --help, kubeguard audit replay --help for their options.
        """ + EXIT_CODES;
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
    if (args.isEmpty()) {
      err.println("kubeguard audit: say verify or replay (try --help)");
      return ERROR;
    }
    List<String> rest = args.subList(1, args.size());
    return switch (args.get(0)) {
      case "--help", "-h" -> {
        out.print(help());
        yield OK;
      }
      case "verify" -> verify(rest, out, err);
      case "replay" -> replay(rest, out, err);
      default -> {
        err.println("kubeguard audit: unknown subcommand '" + args.get(0) + "' (try --help)");
        yield ERROR;
      }
    };
  }

  private int verify(List<String> argv, PrintStream out, PrintStream err) throws Exception {
    Args args;
    AuditVerifier.Options options;
    try {
      args = Args.parse(argv, Args.Spec.of(
          Set.of("--checkpoint", "--checkpoint-key", "--key", "--key-file", "--head"),
          Set.of("--tolerate-incomplete", "--closed", "--no-key")));
      if (args.help()) {
        out.print(VERIFY_HELP);
        return OK;
      }
      if (args.one("--key") != null) {
        throw new Args.UsageException(
            "--key is now --checkpoint-key (the checkpoint's public key); the chain key comes from --key-file or "
                + ChainKey.ENV);
      }
      if (args.operands().isEmpty()) {
        throw new Args.UsageException("name at least one audit file, oldest first");
      }
      if ((args.one("--checkpoint") == null) != (args.one("--checkpoint-key") == null)
          || (args.flag("--closed") && args.one("--checkpoint") == null)) {
        throw new Args.UsageException("--checkpoint and --checkpoint-key go together (and --closed needs them)");
      }
      options = keyOptions(args);
    } catch (Args.UsageException e) {
      err.println("kubeguard audit verify: " + e.getMessage() + " (try --help)");
      return ERROR;
    }
    List<Path> files = args.operands().stream().map(Path::of).toList();
    String checkpoint = args.one("--checkpoint");
    if (checkpoint != null) {
      options = options.withCheckpoint(Path.of(checkpoint), verifier(Path.of(args.one("--checkpoint-key"))));
    }
    if (args.flag("--tolerate-incomplete")) {
      options = options.toleratingIncompleteLastLine();
    }
    if (args.flag("--closed")) {
      options = options.closedChain();
    }
    AuditVerificationResult result = AuditVerifier.verify(files, options);
    out.println(result.summary());
    return result.ok() ? OK : NO;
  }

  /** The chain key from --key-file or the environment, or the explicit --no-key. */
  private AuditVerifier.Options keyOptions(Args args) throws Args.UsageException {
    String keyFile = args.one("--key-file");
    boolean noKey = args.flag("--no-key");
    boolean inEnv = env.get(ChainKey.ENV) != null && !env.get(ChainKey.ENV).isBlank();
    if (noKey && (keyFile != null || args.one("--head") != null)) {
      throw new Args.UsageException("--no-key goes without --key-file and --head");
    }
    if (noKey) {
      return AuditVerifier.Options.withoutChainKey();
    }
    ChainKey key;
    try {
      if (keyFile != null) {
        key = ChainKey.fromFile(Path.of(keyFile));
      } else if (inEnv) {
        key = ChainKey.fromEnv(ChainKey.ENV, env);
      } else {
        throw new Args.UsageException(
            "needs the chain key: --key-file FILE, or the " + ChainKey.ENV
                + " environment variable (--no-key checks an unkeyed trail, detecting far less)");
      }
    } catch (IOException e) {
      throw new Args.UsageException("cannot read key file " + keyFile + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
    AuditVerifier.Options o = AuditVerifier.Options.keyed(key);
    return args.one("--head") == null ? o : o.withHeadFile(Path.of(args.one("--head")));
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

  private int replay(List<String> argv, PrintStream out, PrintStream err) throws Exception {
    Args args;
    try {
      args = Args.parse(argv, Args.Spec.of(Set.of("--policy"), Set.of()));
      if (args.help()) {
        out.print(REPLAY_HELP);
        return OK;
      }
      if (args.all("--policy").isEmpty() || args.operands().isEmpty()) {
        throw new Args.UsageException("needs --policy FILE and at least one audit file");
      }
    } catch (Args.UsageException e) {
      err.println("kubeguard audit replay: " + e.getMessage() + " (try --help)");
      return ERROR;
    }
    List<Path> policies = args.all("--policy").stream().map(Path::of).toList();
    List<Path> audits = args.operands().stream().map(Path::of).toList();
    PolicyEngine engine;
    try {
      engine = PolicyLoader.load(policies);
    } catch (PolicyLoadException e) {
      err.println("kubeguard audit replay: cannot load policy: " + e.getMessage());
      return ERROR;
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
    return OK;
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

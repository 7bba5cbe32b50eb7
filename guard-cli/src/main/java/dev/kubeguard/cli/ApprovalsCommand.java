package dev.kubeguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code kubeguard approvals list | show ID | approve ID | deny ID --reason ...}: an approver's
 * view of the ApprovalRequest objects in a cluster, and their answers, with kubectl's connection
 * flags.
 *
 * <ul>
 *   <li>{@code list} and {@code show} read the objects with the kubeconfig's credentials and print
 *       a table, a description, or the approval server's JSON view ({@code -o json|yaml}).
 *   <li>{@code approve} and {@code deny} POST the answer to the approval server, which proves the
 *       approver by the bearer token sent ({@code --token}, else the kubeconfig user's); the CLI
 *       itself never writes to the cluster.
 * </ul>
 *
 * Exit 0 when done, 1 when refused or failed (the server's or the cluster's message on stderr),
 * 2 on a usage error. Stateless apart from the clock.
 */
final class ApprovalsCommand implements Command {

  /** An approval id: the ApprovalRequest's name, as the Guard makes them. */
  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Map<String, String> ALIASES = Map.of("-n", "--namespace", "-o", "--output");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .build());

  private final Clock clock;

  ApprovalsCommand() {
    this(Clock.systemUTC());
  }

  /** With the clock that ages and expiries are measured against. */
  ApprovalsCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "approvals";
  }

  @Override
  public String usage() {
    return "approvals list | show ID | approve ID [--comment TEXT] | deny ID --reason TEXT   "
        + "[-n NS] [--context CTX] [--kubeconfig FILE] [--token T]";
  }

  private static final String CONNECTION =
      """
        --kubeconfig FILE        the kubeconfig (else $KUBECONFIG, else ~/.kube/config, else in-cluster)
        --context NAME           the kubeconfig context (else its current-context)
        -n, --namespace NS       where the ApprovalRequests live (else the context's namespace, else default)
        --token TOKEN            your bearer token, for the cluster and the approval server (else the
                                 kubeconfig user's: a token, an exec plugin's or an auth provider's)
        --request-timeout D      per request: seconds (30) or units (500ms, 1m, 2h); 0 waits for ever
                                 (default 30s)
      """;

  private static final String LIST_HELP =
      """
      usage: kubeguard approvals list [--all] [-o table|json|yaml] [connection options]
        The approvals held in the namespace (ApprovalRequest objects), newest first: pending ones,
        or with --all also approved, denied, expired and used ones. -o json|yaml prints
        {"items":[...]} in the approval server's JSON view.
        --all                    every state, not only PENDING
        -o, --output FORMAT      table (default: ID STATE REQUESTER VERB RESOURCE NAMESPACE/NAME
                                 EXPIRES AGE), json or yaml
      """ + CONNECTION + """
        STATE is read from the object; the answers' seals can be checked only by the Guard's
        replicas, so the approval server's word on an answer is final.
      """ + Command.EXIT_CODES;

  private static final String SHOW_HELP =
      """
      usage: kubeguard approvals show ID [-o text|json|yaml] [connection options]
        One approval: who asks, what, why it is held, who may approve, the answers so far, the
        request body (masked) and the diff from the live object to the dry-run result (masked).
        -o, --output FORMAT      text (default), json or yaml (the approval server's JSON view)
      """ + CONNECTION + Command.EXIT_CODES;

  private static final String ANSWER =
      """
        --approvals-url URL      the approval server's base URL (https://HOST/kubeguard/approvals);
                                 else the one the approval names (spec.answerUrl, its page)
      """ + CONNECTION + """
        The answer is sent with your bearer token only, which the approval server proves (a
        Kubernetes token by TokenReview and the verb approve on approvalrequests, or an OIDC id
        token); it goes over https only (http only to localhost, e.g. a port-forward). A
        kubeconfig user with only a client certificate cannot prove who you are there: pass --token.
      """ + Command.EXIT_CODES;

  private static final String APPROVE_HELP =
      """
      usage: kubeguard approvals approve ID [--comment TEXT] [--approvals-url URL] [connection options]
        Approves the held request ID.
        --comment TEXT           why, recorded with the answer
      """ + ANSWER;

  private static final String DENY_HELP =
      """
      usage: kubeguard approvals deny ID --reason TEXT [--approvals-url URL] [connection options]
        Denies the held request ID.
        --reason TEXT            why (required), recorded with the answer
      """ + ANSWER;

  @Override
  public String help() {
    return """
        usage: kubeguard approvals list [--all] [-o table|json|yaml]
               kubeguard approvals show ID [-o text|json|yaml]
               kubeguard approvals approve ID [--comment TEXT]
               kubeguard approvals deny ID --reason TEXT
          The approvals a KubeGuard policy holds in a cluster (ApprovalRequest objects, read with
          your kubeconfig as kubectl reads it), and your answers (sent to the approval server with
          your bearer token). kubeguard approvals <list|show|approve|deny> --help for the options.
        """ + Command.EXIT_CODES;
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
    if (args.isEmpty()) {
      err.println("kubeguard approvals: say list, show, approve or deny (try --help)");
      return ERROR;
    }
    List<String> rest = args.subList(1, args.size());
    String sub = args.get(0);
    String prefix = "kubeguard approvals " + sub + ": ";
    try {
      return switch (sub) {
        case "--help", "-h" -> {
          out.print(help());
          yield OK;
        }
        case "list" -> list(rest, out, err, prefix);
        case "show" -> show(rest, out, err, prefix);
        case "approve" -> answer(true, rest, out, err, prefix);
        case "deny" -> answer(false, rest, out, err, prefix);
        default -> {
          err.println("kubeguard approvals: unknown subcommand '" + Printable.line(sub) + "' (try --help)");
          yield ERROR;
        }
      };
    } catch (Args.UsageException e) {
      // A message that names the flag to pass needs no pointer to the help.
      err.println(prefix + e.getMessage() + (e.getMessage().contains("pass --") ? "" : " (try --help)"));
      return ERROR;
    }
  }

  private static Args parse(List<String> argv, Set<String> valued, Set<String> flags) throws Args.UsageException {
    Set<String> all = new HashSet<>(ClusterFlags.OPTIONS);
    all.addAll(valued);
    return Args.parse(argv, Args.Spec.of(all, flags, ALIASES));
  }

  private int list(List<String> argv, PrintStream out, PrintStream err, String prefix) throws Exception {
    Args args = parse(argv, Set.of("--output"), Set.of("--all"));
    if (args.help()) {
      out.print(LIST_HELP);
      return OK;
    }
    if (!args.operands().isEmpty()) {
      throw new Args.UsageException("takes no arguments, got '" + Printable.line(args.operands().get(0)) + "'");
    }
    String format = format(args, "table");
    ClusterFlags flags = ClusterFlags.of(args);
    Instant now = clock.instant();
    List<ApprovalView> views;
    try (Cluster cluster = Cluster.connect(flags)) {
      try {
        views = cluster.list(now).stream()
            .filter(v -> args.flag("--all") || v.state() == ApprovalView.State.PENDING).toList();
      } catch (KubernetesClientException e) {
        err.println(prefix + cluster.explain(e, "list"));
        return NO;
      }
      if (format.equals("table")) {
        if (views.isEmpty()) {
          err.println("No " + (args.flag("--all") ? "" : "pending ") + "approvals in namespace " + cluster.namespace() + ".");
        } else {
          out.print(ApprovalsText.table(views, now));
        }
        return OK;
      }
    }
    ObjectNode list = JSON.createObjectNode();
    ArrayNode items = list.putArray("items");
    views.forEach(v -> items.add(v.toJson(JSON)));
    print(list, format, out);
    return OK;
  }

  private int show(List<String> argv, PrintStream out, PrintStream err, String prefix) throws Exception {
    Args args = parse(argv, Set.of("--output"), Set.of());
    if (args.help()) {
      out.print(SHOW_HELP);
      return OK;
    }
    String id = id(args);
    String format = format(args, "text");
    Instant now = clock.instant();
    ApprovalView v;
    try (Cluster cluster = Cluster.connect(ClusterFlags.of(args))) {
      try {
        v = cluster.find(id, now);
      } catch (KubernetesClientException e) {
        err.println(prefix + cluster.explain(e, "get"));
        return NO;
      }
      if (v == null) {
        err.println(prefix + "approval " + id + " not found in namespace " + cluster.namespace());
        return NO;
      }
    }
    if (format.equals("text")) {
      out.print(ApprovalsText.describe(v, now));
    } else {
      print(v.toJson(JSON), format, out);
    }
    return OK;
  }

  private int answer(boolean approve, List<String> argv, PrintStream out, PrintStream err, String prefix)
      throws Exception {
    String textOption = approve ? "--comment" : "--reason";
    Args args = parse(argv, Set.of(textOption, "--approvals-url"), Set.of());
    if (args.help()) {
      out.print(approve ? APPROVE_HELP : DENY_HELP);
      return OK;
    }
    String id = id(args);
    String text = args.one(textOption);
    if (!approve && (text == null || text.isBlank())) {
      throw new Args.UsageException("needs --reason TEXT: say why, the requester and the audit trail see it");
    }
    ClusterFlags flags = ClusterFlags.of(args);
    String flagUrl = args.one("--approvals-url");
    URI base;
    String token;
    try {
      if (flagUrl != null && flags.token() != null) {
        // Everything is given: no kubeconfig needed (an approver's laptop may have none).
        base = ApprovalServer.fromFlag(flagUrl);
        token = flags.token();
      } else {
        try (Cluster cluster = Cluster.connect(flags)) {
          token = flags.token() != null ? flags.token() : cluster.approverToken();
          if (flagUrl != null) {
            base = ApprovalServer.fromFlag(flagUrl);
          } else {
            ApprovalView v;
            try {
              v = cluster.find(id, clock.instant());
            } catch (KubernetesClientException e) {
              err.println(prefix + cluster.explain(e, "get") + "; or pass --approvals-url");
              return NO;
            }
            if (v == null) {
              err.println(prefix + "approval " + id + " not found in namespace " + cluster.namespace());
              return NO;
            }
            if (v.answerUrl().isBlank()) {
              throw new Args.UsageException("approval " + id + " names no approval server (its spec.answerUrl is "
                  + "empty): pass --approvals-url https://HOST/kubeguard/approvals");
            }
            base = ApprovalServer.fromAnswerUrl(v.answerUrl(), id);
          }
        }
      }
    } catch (ApprovalServer.BadUrlException e) {
      // Says itself which flag to pass: no "try --help" after it.
      err.println(prefix + e.getMessage());
      return ERROR;
    }
    ApprovalServer server = new ApprovalServer(base, flags.requestTimeout());
    ApprovalServer.Reply reply;
    try {
      reply = server.answer(id, approve, text == null ? "" : text, token);
    } catch (IOException e) {
      err.println(prefix + Printable.line(e.getMessage()));
      return NO;
    }
    if (reply.ok()) {
      if (reply.state().isEmpty()) {
        // Fail closed on what we cannot read: the answer may or may not have counted.
        err.println(prefix + "the approval server at " + base + " answered 200 without the answer's state; "
            + "check with kubeguard approvals show " + id);
        return NO;
      }
      out.println(Printable.line(reply.id().isEmpty() ? id : reply.id()) + (approve ? " approved" : " denied")
          + (reply.answeredBy().isEmpty() ? "" : " by " + Printable.line(reply.answeredBy()))
          + ": " + Printable.line(reply.state()));
      return OK;
    }
    err.println(prefix + refusal(reply, base));
    return NO;
  }

  private static String refusal(ApprovalServer.Reply r, URI base) {
    String what = switch (r.status()) {
      case 400 -> "rejected as bad input (400)";
      case 401 -> "your token was not accepted (401)";
      case 403 -> "refused (403)";
      case 404 -> "not found (404)";
      case 409 -> "no longer pending (409)";
      default -> "failed: the approval server at " + base + " answered " + r.status();
    };
    String hint = r.status() == 401 ? "; pass --token with a token the approval server can prove" : "";
    return what + (r.message().isEmpty() ? "" : ": " + Printable.line(r.message())) + hint;
  }

  private static String id(Args args) throws Args.UsageException {
    if (args.operands().isEmpty()) {
      throw new Args.UsageException("name the approval: its ID (kubeguard approvals list shows them)");
    }
    if (args.operands().size() > 1) {
      throw new Args.UsageException("takes one approval ID, got " + args.operands().size());
    }
    String id = args.operands().get(0);
    if (!ID.matcher(id).matches()) {
      throw new Args.UsageException("'" + Printable.line(id) + "' is not an approval ID (1-63 lower-case letters, "
          + "digits and '-', e.g. apr-0123456789abcdef-1)");
    }
    return id;
  }

  private static String format(Args args, String human) throws Args.UsageException {
    String f = args.one("--output");
    if (f == null) {
      return human;
    }
    if (f.equals(human) || f.equals("json") || f.equals("yaml")) {
      return f;
    }
    throw new Args.UsageException("-o " + Printable.line(f) + " is not one of " + human + ", json, yaml");
  }

  private static void print(ObjectNode node, String format, PrintStream out) throws IOException {
    if (format.equals("json")) {
      out.println(JSON.writeValueAsString(node));
    } else {
      out.print(YAML.writeValueAsString(node));
    }
  }
}

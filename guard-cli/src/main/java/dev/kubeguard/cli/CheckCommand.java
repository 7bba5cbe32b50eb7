package dev.kubeguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.core.Evaluation;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.audit.AuditEvents;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.classify.ClassificationException;
import dev.kubeguard.core.policy.PolicyLoadException;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.opa.OpaPolicyEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code kubeguard check}: what a policy decides, for one question given kubectl-style on the
 * command line ({@code --as bob -n shop delete pods web}, or {@code --as bob GET /api/v1/...}), or
 * for each JSON line on stdin. Only the policy is asked: no approval is sought, so an approval
 * rule answers {@code REQUIRE_APPROVAL}. Exits 0 when everything checked is allowed, 1 when
 * anything is denied or needs approval, 2 on bad usage, a policy that cannot be loaded, or an
 * input line that cannot be read (which wins over 1).
 */
final class CheckCommand implements Command {

  private static final Args.Spec SPEC = Args.Spec.of(
      Set.of("--policy", "--opa", "--opa-timeout", "--audit", "--audit-key-file", "--as", "--as-group", "--as-uid", "--namespace",
          "--subresource", "--header", "--output"),
      Set.of("--all-namespaces", "--quiet"),
      Map.of("-n", "--namespace", "-A", "--all-namespaces", "-q", "--quiet", "-o", "--output", "-H", "--header"));

  private static final Pattern HTTP_METHOD = Pattern.compile("[A-Z]+");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

  private final Map<String, String> env;

  CheckCommand() {
    this(System.getenv());
  }

  /** With the environment to read {@code KUBEGUARD_AUDIT_KEY} from. */
  CheckCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "check";
  }

  @Override
  public String usage() {
    return "check (--policy FILE... | --opa URL) [--as USER ...] VERB RESOURCE [NAME] | METHOD PATH | < JSON lines   -> the policy's decision";
  }

  @Override
  public String help() {
    return """
        usage: kubeguard check (--policy FILE... | --opa URL) [--audit FILE] QUESTION
          What the policy decides, as kubectl auth can-i asks it. The policy alone is asked:
          an approve rule answers REQUIRE_APPROVAL; nothing is approved or forwarded.

        Policy (one of):
          --policy FILE        GuardPolicy and/or RBAC manifests (YAML or JSON; a directory
                               reads its .yaml/.yml/.json files); repeatable
          --opa URL            an OPA Data API decision, http://HOST:8181/v1/data/PATH
          --opa-timeout D      how long one OPA decision may take (default 5s here, since a
                               fresh JVM's first HTTP call is slow; the library's default is
                               250ms); a timeout is a denial. Units ms, s, m (500ms, 2s)
          --audit FILE         record every decision (RequestReceived events) into a keyed,
                               hash-chained audit trail; without it decisions are not recorded
          --audit-key-file F   the trail's chain key (base64); without it, KUBEGUARD_AUDIT_KEY

        One question on the command line (kubectl style):
          kubeguard check --policy p.yaml --as bob --as-group dev -n shop delete pods web
          kubeguard check --policy p.yaml --as bob get pods/web --subresource log -n shop
          kubeguard check --policy p.yaml --as bob get /healthz           (a non-resource URL)
          kubeguard check --policy p.yaml --as bob GET /api/v1/namespaces/shop/pods
                                 (an HTTP METHOD and PATH: classified as kube-apiserver does)
          VERB RESOURCE[/NAME] [NAME]
                               RESOURCE is a built-in plural, singular or short name (pods, pod,
                               po, deploy) or RESOURCE.GROUP (deployments.apps, widgets.example.com)
          --as USER            the user asking (required)
          --as-group GROUP     one of their groups; repeatable. system:authenticated is added
                               (and a service account's groups when none are given), as
                               kube-apiserver does for an impersonated user
          --as-uid UID         their uid
          -n, --namespace NS   the namespace (default "default"; ignored for cluster-scoped
                               built-ins such as nodes)
          -A, --all-namespaces ask across all namespaces (namespace "")
          --subresource SUB    the subresource (log, exec, status, scale, ...)
          -H, --header 'N: V'  a request header for the METHOD PATH form (Impersonate-User: ...);
                               repeatable
          -o, --output FORMAT  text (default) or json
          -q, --quiet          print nothing; only the exit status answers

          Text output names the user and groups, each question checked (a request with
          Impersonate-* headers asks more than one), the decision, and unless allowed the
          rule and reason.

        Many questions as JSON lines on stdin (no QUESTION operands):
          {"user":"bob","groups":["dev"],"method":"GET","url":"/api/v1/...","headers":{...}}
          {"user":"bob","groups":["dev"],"attributes":{"verb":"get","resource":"pods",
           "namespace":"shop","apiGroup":"","name":"web","subresource":"","path":""}}
          Optional "uid", "extra", "tool", "session". Groups are taken as given. Each line
          answers {"effect","rule","reason","message"?,"checked":{...}}, where "checked" is the
          question that decided and "message" (not when allowed) says kube-apiserver's way who
          cannot do what; a line that cannot be read answers {"error","line"} and the rest goes on.
        """ + EXIT_CODES;
  }

  @Override
  public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
    Args args;
    Question question;
    boolean json;
    try {
      args = Args.parse(argv, SPEC);
      if (args.help()) {
        out.print(help());
        return OK;
      }
      String output = Optional.ofNullable(args.one("--output")).orElse("text");
      if (!output.equals("text") && !output.equals("json")) {
        throw new Args.UsageException("--output must be text or json, got '" + output + "'");
      }
      json = output.equals("json");
      question = args.operands().isEmpty() ? null : Question.from(args);
      if (question == null) {
        for (String only : List.of("--as", "--as-group", "--as-uid", "--namespace", "--all-namespaces",
            "--subresource", "--header", "--output", "--quiet")) {
          if (!args.all(only).isEmpty()) {
            throw new Args.UsageException(only + " is for a question given on the command line (VERB RESOURCE "
                + "or METHOD PATH); JSON lines carry their own fields");
          }
        }
      }
      if (args.all("--policy").isEmpty() == (args.one("--opa") == null)) {
        throw new Args.UsageException("give either --policy FILE (repeatable) or --opa URL");
      }
    } catch (Args.UsageException e) {
      err.println("kubeguard check: " + e.getMessage() + " (try --help)");
      return ERROR;
    }
    PolicyEngine engine;
    try {
      String opa = args.one("--opa");
      engine = opa != null
          ? OpaPolicyEngine.builder().url(URI.create(opa)).timeout(opaTimeout(args.one("--opa-timeout"))).build()
          : PolicyLoader.load(args.all("--policy").stream().map(Path::of).toList());
    } catch (PolicyLoadException | IllegalStateException | IllegalArgumentException | Args.UsageException e) {
      err.println("kubeguard check: " + e.getMessage());
      return ERROR;
    }
    String audit = args.one("--audit");
    boolean quiet = args.flag("--quiet");
    JsonlAuditRecorder recorder = null;
    if (audit != null) {
      try {
        String keyFile = args.one("--audit-key-file");
        ChainKey key = keyFile != null ? ChainKey.fromFile(Path.of(keyFile)) : ChainKey.fromEnv(ChainKey.ENV, env);
        recorder = JsonlAuditRecorder.builder().chainKey(key).path(Path.of(audit)).build();
      } catch (IOException | IllegalStateException | IllegalArgumentException | Args.UsageException e) {
        err.println("kubeguard check: cannot open the audit trail " + audit + ": " + e.getMessage());
        return ERROR;
      }
    } else if (!quiet) {
      err.println("kubeguard check: note: decisions are not recorded (give --audit FILE to record them)");
    }
    // The CLI records each decision itself, below; the Guard only evaluates. Given the recorder
    // (or, without --audit, told there is none on purpose), it has nothing to warn about.
    Recorder none = event -> {};
    Guard guard = Guard.builder().policy(engine).recorder(recorder != null ? recorder : none).build();
    try {
      if (question != null) {
        Evaluation e = question.evaluate(guard);
        record(recorder, e);
        if (!quiet) {
          if (json) {
            out.println(JsonLines.JSON.writeValueAsString(write(e)));
          } else {
            printText(e, question.describedRequest(), out);
          }
        }
        return e.decision().isAllowed() ? OK : NO;
      }
      boolean[] denied = {false};
      JsonlAuditRecorder r = recorder;
      int status = JsonLines.process(in, out, line -> {
        Evaluation e = answer(guard, line);
        record(r, e);
        if (!e.decision().isAllowed()) {
          denied[0] = true;
        }
        return write(e);
      });
      return status != OK ? status : denied[0] ? NO : OK;
    } finally {
      if (recorder != null) {
        recorder.close();
      }
    }
  }

  static java.time.Duration opaTimeout(String given) throws Args.UsageException {
    if (given == null) {
      return java.time.Duration.ofSeconds(5);
    }
    var m = DURATION.matcher(given);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new Args.UsageException("--opa-timeout must be a positive duration such as 500ms, 2s or 1m, got '" + given + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> java.time.Duration.ofMillis(n);
      case "s" -> java.time.Duration.ofSeconds(n);
      default -> java.time.Duration.ofMinutes(n);
    };
  }

  // Decisions are recorded as RequestReceived events: nothing was forwarded, nothing answered.
  private static void record(JsonlAuditRecorder recorder, Evaluation e) throws Exception {
    if (recorder == null) {
      return;
    }
    AuditEvents.Builder event = AuditEvents.forRequest(e.decisive(), e.decision())
        .auditId(UUID.randomUUID().toString()).stage(AuditEvent.Stage.RequestReceived);
    if (!e.decision().isAllowed()) {
      event.responseStatus(403, "Failure", "Forbidden", e.decision().reason());
    }
    Optional<AuditEvent> built = event.build();
    if (built.isPresent()) {
      recorder.record(built.get());
    }
  }

  /** One question read from the command line: who asks, and either attributes or an HTTP request. */
  private record Question(Identity who, Attributes attributes, KubeRequest request) {

    static Question from(Args args) throws Args.UsageException {
      Identity who = identity(args);
      List<String> ops = args.operands();
      if (ops.size() == 2 && HTTP_METHOD.matcher(ops.get(0)).matches() && ops.get(1).startsWith("/")) {
        for (String no : List.of("--namespace", "--all-namespaces", "--subresource")) {
          if (!args.all(no).isEmpty()) {
            throw new Args.UsageException(no + " does not go with METHOD PATH: the path says it");
          }
        }
        return new Question(who, null, KubeRequest.of(ops.get(0), ops.get(1), headers(args.all("--header")), null));
      }
      if (!args.all("--header").isEmpty()) {
        throw new Args.UsageException("--header goes with the METHOD PATH form only");
      }
      if (ops.size() < 2 || ops.size() > 3) {
        throw new Args.UsageException("say VERB RESOURCE [NAME] (delete pods web), VERB /URL, or METHOD PATH");
      }
      String verb = ops.get(0);
      if (!verb.equals(verb.toLowerCase(Locale.ROOT))) {
        throw new Args.UsageException("verb \"" + verb + "\": Kubernetes verbs are lower-case; "
            + "an HTTP METHOD goes with a PATH starting with '/'");
      }
      if (ops.get(1).startsWith("/")) {
        if (ops.size() == 3 || !args.all("--subresource").isEmpty() || !args.all("--namespace").isEmpty()) {
          throw new Args.UsageException("a non-resource URL (" + ops.get(1) + ") takes no name, namespace or subresource");
        }
        return new Question(who, Attributes.nonResource(verb, ops.get(1)), null);
      }
      String resource = ops.get(1);
      String name = "";
      int slash = resource.indexOf('/');
      if (slash >= 0) {
        name = resource.substring(slash + 1);
        resource = resource.substring(0, slash);
        if (ops.size() == 3) {
          throw new Args.UsageException("give the name once: " + ops.get(1) + " or " + resource + " " + ops.get(2));
        }
      } else if (ops.size() == 3) {
        name = ops.get(2);
      }
      ResourceNames.Resolved r = ResourceNames.resolve(resource);
      String ns = args.one("--namespace");
      boolean all = args.flag("--all-namespaces");
      if (all && ns != null) {
        throw new Args.UsageException("give --namespace or --all-namespaces, not both");
      }
      String namespace = r.clusterScoped() || all ? "" : ns != null ? ns : "default";
      String sub = Optional.ofNullable(args.one("--subresource")).orElse("");
      return new Question(who, Attributes.resource(verb, r.group(), "", r.resource(), sub, namespace, name), null);
    }

    // As kube-apiserver's impersonation filter builds the impersonated user.
    private static Identity identity(Args args) throws Args.UsageException {
      String user = args.one("--as");
      if (user == null || user.isBlank()) {
        throw new Args.UsageException("say who asks: --as USER (and --as-group GROUP for each group)");
      }
      List<String> groups = new ArrayList<>(args.all("--as-group"));
      String[] sa = user.split(":", -1);
      if (groups.isEmpty() && sa.length == 4 && user.startsWith("system:serviceaccount:")) {
        groups.add("system:serviceaccounts");
        groups.add("system:serviceaccounts:" + sa[2]);
      }
      if (!user.equals("system:anonymous") && !groups.contains(Identity.AUTHENTICATED)) {
        groups.add(Identity.AUTHENTICATED);
      }
      return new Identity(user, Optional.ofNullable(args.one("--as-uid")).orElse(""), groups, Map.of(), "");
    }

    private static Map<String, List<String>> headers(List<String> given) throws Args.UsageException {
      Map<String, List<String>> out = new LinkedHashMap<>();
      for (String h : given) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          throw new Args.UsageException("--header '" + h + "' must be 'Name: value'");
        }
        out.computeIfAbsent(h.substring(0, colon).strip(), k -> new ArrayList<>()).add(h.substring(colon + 1).strip());
      }
      return out;
    }

    Evaluation evaluate(Guard guard) throws Exception {
      CallContext ctx = CallContext.forTool("kubeguard check", "");
      if (request != null) {
        return CheckCommand.evaluate(guard, who, request, ctx);
      }
      return guard.decideAll(List.of(AccessRequest.forAttributes(who, attributes, ctx)));
    }

    String describedRequest() {
      return request == null ? null : request.method() + " " + request.uri();
    }
  }

  static Evaluation answer(Guard guard, JsonNode line) throws Exception {
    Identity who = identity(line);
    CallContext ctx = new CallContext(
        JsonLines.optionalText(line, "tool"), JsonLines.optionalText(line, "session"), "", java.time.Instant.now());
    JsonNode attributes = line.get("attributes");
    if (attributes != null) {
      if (line.has("method") || line.has("url")) {
        throw new JsonLines.BadLine("give either \"attributes\" or \"method\"/\"url\", not both");
      }
      return guard.decideAll(List.of(AccessRequest.forAttributes(who, attributes(attributes), ctx)));
    }
    return evaluate(guard, who, Requests.from(line), ctx);
  }

  private static Evaluation evaluate(Guard guard, Identity who, KubeRequest request, CallContext ctx) {
    try {
      return guard.evaluate(who, request, ctx);
    } catch (ClassificationException e) {
      // What the apiserver rejects is a denial, recorded as the non-resource request it looked like.
      Attributes seen = Attributes.nonResource(request.method().toLowerCase(Locale.ROOT), request.rawPath());
      AccessRequest q = AccessRequest.forAttributes(who, seen, ctx);
      return new Evaluation(List.of(q), Decision.deny("request rejected: " + e.getMessage()), q);
    }
  }

  private static Identity identity(JsonNode line) throws JsonLines.BadLine {
    String user = JsonLines.text(line, "user");
    if (user.isBlank()) {
      throw new JsonLines.BadLine("\"user\" must not be empty");
    }
    return new Identity(user, JsonLines.optionalText(line, "uid"), strings(line.get("groups"), "groups"),
        extra(line.get("extra")), "");
  }

  private static Attributes attributes(JsonNode a) throws JsonLines.BadLine {
    if (!a.isObject()) {
      throw new JsonLines.BadLine("\"attributes\" must be an object");
    }
    String verb = JsonLines.text(a, "verb");
    JsonNode resourceFlag = a.get("isResourceRequest");
    boolean resource = resourceFlag == null ? !a.has("path") : resourceFlag.asBoolean();
    if (resourceFlag != null && !resourceFlag.isBoolean()) {
      throw new JsonLines.BadLine("\"attributes.isResourceRequest\" must be true or false");
    }
    return new Attributes(verb, resource,
        JsonLines.optionalText(a, "apiGroup"), JsonLines.optionalText(a, "apiVersion"),
        JsonLines.optionalText(a, "namespace"), JsonLines.optionalText(a, "resource"),
        JsonLines.optionalText(a, "subresource"), JsonLines.optionalText(a, "name"),
        JsonLines.optionalText(a, "path"), JsonLines.optionalText(a, "fieldSelector"),
        JsonLines.optionalText(a, "labelSelector"));
  }

  private static List<String> strings(JsonNode n, String field) throws JsonLines.BadLine {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new JsonLines.BadLine("\"" + field + "\" must be an array of strings");
    }
    for (JsonNode v : n) {
      if (!v.isTextual()) {
        throw new JsonLines.BadLine("\"" + field + "\" must be an array of strings");
      }
      out.add(v.asText());
    }
    return out;
  }

  private static Map<String, List<String>> extra(JsonNode n) throws JsonLines.BadLine {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      throw new JsonLines.BadLine("\"extra\" must be an object of string arrays");
    }
    for (var it = n.fields(); it.hasNext(); ) {
      var e = it.next();
      out.put(e.getKey(), strings(e.getValue(), "extra." + e.getKey()));
    }
    return out;
  }

  /** The answer object of one check: effect, rule, reason, then (unless allowed) message, then what was checked. */
  static ObjectNode write(Evaluation e) {
    Decision d = e.decision();
    ObjectNode n = JsonLines.JSON.createObjectNode();
    n.put("effect", d.effect().name().toUpperCase(Locale.ROOT));
    n.put("rule", d.ruleId());
    n.put("reason", d.reason());
    AccessRequest q = e.decisive();
    if (!d.isAllowed()) {
      n.put("message", Questions.forbiddenMessage(q.identity(), q.attributes(), d.reason()));
    }
    ApprovalRequirement approval = d.obligations().approval();
    if (d.effect() == Decision.Effect.REQUIRE_APPROVAL && approval != null) {
      ObjectNode a = n.putObject("approval");
      approval.approverGroups().forEach(a.putArray("approverGroups")::add);
      a.put("count", approval.count());
      a.put("ttl", approval.ttl().toString());
      a.put("mode", approval.mode().name());
    }
    ObjectNode c = n.putObject("checked");
    c.put("user", q.identity().user());
    q.identity().groups().forEach(c.putArray("groups")::add);
    Attributes a = q.attributes();
    c.put("verb", a.verb());
    c.put("isResourceRequest", a.isResourceRequest());
    if (a.isResourceRequest()) {
      c.put("apiGroup", a.apiGroup());
      c.put("resource", a.resource());
      c.put("subresource", a.subresource());
      c.put("namespace", a.namespace());
      c.put("name", a.name());
    } else {
      c.put("path", a.path());
    }
    return n;
  }

  private static void printText(Evaluation e, String httpRequest, PrintStream out) {
    Decision d = e.decision();
    Identity who = e.decisive().identity();
    out.println("user:     " + who.user());
    out.println("groups:   " + (who.groups().isEmpty() ? "(none)" : String.join(", ", who.groups())));
    if (httpRequest != null) {
      out.println("request:  " + httpRequest);
    }
    for (AccessRequest q : e.checks()) {
      out.println("checked:  " + Questions.describe(q.attributes()));
    }
    out.println("decision: " + d.effect().name());
    if (e.checks().size() > 1) {
      out.println("decided:  " + Questions.describe(e.decisive().attributes()));
    }
    if (!d.ruleId().isEmpty()) {
      out.println("rule:     " + d.ruleId());
    }
    if (!d.reason().isEmpty()) {
      out.println("reason:   " + d.reason());
    }
    if (!d.isAllowed()) {
      out.println("message:  " + Questions.forbiddenMessage(who, e.decisive().attributes(), d.reason()));
    }
    ApprovalRequirement approval = d.obligations().approval();
    if (d.effect() == Decision.Effect.REQUIRE_APPROVAL && approval != null) {
      out.println("approval: " + approval.count() + " approver(s) from "
          + (approval.approverGroups().isEmpty() ? "any group" : String.join(", ", approval.approverGroups()))
          + ", within " + approval.ttl().toString().substring(2).toLowerCase(Locale.ROOT)
          + ", " + approval.mode().name());
    }
  }
}

package dev.kubeguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.Evaluation;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.audit.AuditEvents;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import dev.kubeguard.core.classify.ClassificationException;
import dev.kubeguard.core.policy.PolicyLoadException;
import dev.kubeguard.core.policy.PolicyLoader;
import dev.kubeguard.opa.OpaPolicyEngine;
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
import java.util.UUID;

/**
 * {@code kubeguard check}: what a policy decides for each request (or SubjectAccessReview-style
 * attributes) line. Only the policy is asked: no approval is sought, so an approval rule answers
 * {@code REQUIRE_APPROVAL}.
 */
final class CheckCommand implements Command {

  @Override
  public String name() {
    return "check";
  }

  @Override
  public String usage() {
    return "check (--policy FILE... | --opa URL) [--audit FILE]   JSON lines {\"user\",\"groups\",\"method\",\"url\",...} or {\"user\",\"groups\",\"attributes\":{...}} -> decision per line";
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
    List<Path> policies = new ArrayList<>();
    String opa = null;
    Path audit = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if ((a.equals("--policy") || a.equals("--opa") || a.equals("--audit")) && i + 1 >= args.size()) {
        err.println("kubeguard check: " + a + " needs a value");
        return 2;
      }
      switch (a) {
        case "--policy" -> policies.add(Path.of(args.get(++i)));
        case "--opa" -> opa = args.get(++i);
        case "--audit" -> audit = Path.of(args.get(++i));
        default -> {
          err.println("kubeguard check: unknown argument '" + a + "'\nusage: kubeguard " + usage());
          return 2;
        }
      }
    }
    if (policies.isEmpty() == (opa == null)) {
      err.println("kubeguard check: give either --policy FILE (repeatable) or --opa URL");
      return 2;
    }
    PolicyEngine engine;
    try {
      engine = opa != null ? OpaPolicyEngine.of(URI.create(opa)) : PolicyLoader.load(policies);
    } catch (PolicyLoadException | IllegalStateException | IllegalArgumentException e) {
      err.println("kubeguard check: " + e.getMessage());
      return 2;
    }
    Guard guard = Guard.builder().policy(engine).build();
    if (audit == null) {
      return JsonLines.process(in, out, line -> write(answer(guard, line).decision()));
    }
    // Decisions are recorded as RequestReceived events: nothing was forwarded, nothing answered.
    try (JsonlAuditRecorder recorder = JsonlAuditRecorder.builder().path(audit).build()) {
      return JsonLines.process(in, out, line -> {
        Evaluation e = answer(guard, line);
        AuditEvents.Builder event = AuditEvents.forRequest(e.decisive(), e.decision())
            .auditId(UUID.randomUUID().toString()).stage(AuditEvent.Stage.RequestReceived);
        if (!e.decision().isAllowed()) {
          event.responseStatus(403, "Failure", "Forbidden", e.decision().reason());
        }
        Optional<AuditEvent> built = event.build();
        if (built.isPresent()) {
          recorder.record(built.get());
        }
        return write(e.decision());
      });
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
    KubeRequest request = Requests.from(line);
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

  static ObjectNode write(Decision d) {
    ObjectNode n = JsonLines.JSON.createObjectNode();
    n.put("effect", d.effect().name().toUpperCase(Locale.ROOT));
    n.put("rule", d.ruleId());
    n.put("reason", d.reason());
    return n;
  }
}

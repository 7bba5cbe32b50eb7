package dev.kubeguard.core.policy;

import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Obligations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one {@code kubeguard.dev/v1 GuardPolicy} document into rules (schema in
 * {@link dev.kubeguard.core.PolicyLoader}). Strict: unknown fields, wrong types and values that
 * would silently never match (an upper-case verb, {@code pods*}) are errors. Stateless.
 */
final class GuardPolicyReader {

  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> METADATA = Set.of("name", "labels", "annotations");
  private static final Set<String> SPEC = Set.of("description", "defaults", "rules");
  private static final Set<String> OBLIGATIONS = Set.of("auditLevel", "maskingProfile");
  private static final Set<String> RULE =
      Set.of("name", "description", "subjects", "effect", "approval", "match", "obligations");
  private static final Set<String> SUBJECTS = Set.of("users", "groups", "serviceAccounts");
  private static final Set<String> SERVICE_ACCOUNT = Set.of("namespace", "name");
  private static final Set<String> APPROVAL =
      Set.of("approverGroups", "count", "ttl", "mode", "reuseWindow");
  private static final Set<String> MATCH =
      Set.of("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs", "namespaces");

  private GuardPolicyReader() {}

  /** A rule read from a document, with the node of its name for duplicate-name errors. */
  record PlacedRule(CompiledRule rule, Node name) {}

  /**
   * The rules of one GuardPolicy document; {@code base} is the load's {@link PolicyDefaults}, which
   * the document's own {@code spec.defaults} (agreeing with them) and each rule's obligations refine.
   */
  static List<PlacedRule> read(Node doc, Obligations base) throws PolicyLoadException {
    doc.requireFields(TOP);
    Node metadata = doc.get("metadata");
    if (metadata.isMissing()) {
      throw metadata.error("is required (metadata.name names the policy)");
    }
    metadata.requireFields(METADATA);
    String policyName = metadata.get("name").string();
    metadata.get("labels").stringMap();
    metadata.get("annotations").stringMap();
    Node spec = doc.get("spec");
    if (spec.isMissing()) {
      throw spec.error("is required");
    }
    spec.requireFields(SPEC);
    spec.get("description").stringOr("");
    Obligations defaults = obligations(spec.get("defaults"), base);
    List<PlacedRule> out = new ArrayList<>();
    for (Node rule : spec.get("rules").items()) {
      out.add(rule(rule, policyName, defaults));
    }
    return out;
  }

  private static PlacedRule rule(Node rule, String policyName, Obligations defaults)
      throws PolicyLoadException {
    if (rule.isMissing()) {
      throw rule.error("a rule must be an object, got null");
    }
    rule.requireFields(RULE);
    Node nameNode = rule.get("name");
    String name = nameNode.string();
    for (int i = 0; i < name.length(); i++) {
      if (Character.isWhitespace(name.charAt(i))) {
        throw nameNode.error("rule name \"" + name + "\" must not contain whitespace");
      }
    }
    rule.get("description").stringOr("");
    Subjects subjects = subjects(rule.get("subjects"));
    Decision.Effect effect = effect(rule.get("effect"));
    Node approvalNode = rule.get("approval");
    Obligations obligations = obligations(rule.get("obligations"), defaults);
    if (effect == Decision.Effect.REQUIRE_APPROVAL) {
      if (approvalNode.isMissing()) {
        throw approvalNode.error(
            "is required when effect is approve: say who approves, e.g. approval: {approverGroups: [sre-leads]}");
      }
      obligations = obligations.withApproval(approval(approvalNode));
    } else if (!approvalNode.isMissing()) {
      throw approvalNode.error("only an 'approve' rule takes an approval requirement");
    }
    Node match = rule.get("match");
    if (match.isMissing()) {
      throw match.error("is required: say which requests the rule covers");
    }
    match.requireFields(MATCH);
    RuleMatch ruleMatch = ruleMatch(match);
    NamespaceScope scope = namespaces(match.get("namespaces"));
    String description = "rule \"" + name + "\" of GuardPolicy \"" + policyName + "\"";
    return new PlacedRule(
        CompiledRule.of(name, 0, effect, subjects, scope, ruleMatch, obligations, description), nameNode);
  }

  private static Subjects subjects(Node n) throws PolicyLoadException {
    if (n.isMissing()) {
      throw n.error("is required: name users, groups or serviceAccounts (users: [\"*\"] for everyone)");
    }
    n.requireFields(SUBJECTS);
    List<Glob> users = new ArrayList<>();
    List<Glob> groups = new ArrayList<>();
    for (Node u : n.get("users").items()) {
      users.add(subjectGlob(u));
    }
    for (Node g : n.get("groups").items()) {
      groups.add(subjectGlob(g));
    }
    for (Node sa : n.get("serviceAccounts").items()) {
      sa.requireFields(SERVICE_ACCOUNT);
      if (sa.isMissing()) {
        throw sa.error("expected {namespace, name}, got null");
      }
      String ns = exactName(sa.get("namespace"));
      String name = exactName(sa.get("name"));
      users.add(Glob.compile("system:serviceaccount:" + ns + ":" + name));
    }
    if (users.isEmpty() && groups.isEmpty()) {
      throw n.error("names nobody: list at least one user, group or service account");
    }
    return new Subjects(users, groups);
  }

  private static Glob subjectGlob(Node n) throws PolicyLoadException {
    String s = n.string();
    String bad = Glob.unsupportedSyntax(s);
    if (bad != null) {
      throw n.error("bad glob \"" + s + "\": '" + bad + "' is not supported, only '*' is a wildcard");
    }
    return Glob.compile(s);
  }

  private static String exactName(Node n) throws PolicyLoadException {
    String s = n.string();
    if (s.indexOf('*') >= 0 || s.indexOf(':') >= 0) {
      throw n.error(
          "\"" + s + "\" must be an exact name (no '*' or ':'); for every service account of a namespace use groups: [system:serviceaccounts:<namespace>]");
    }
    return s;
  }

  private static Decision.Effect effect(Node n) throws PolicyLoadException {
    String s = n.string();
    return switch (s) {
      case "allow" -> Decision.Effect.ALLOW;
      case "deny" -> Decision.Effect.DENY;
      case "approve" -> Decision.Effect.REQUIRE_APPROVAL;
      default -> throw n.error("unknown effect \"" + s + "\": use allow, deny or approve");
    };
  }

  private static Obligations obligations(Node n, Obligations base) throws PolicyLoadException {
    n.requireFields(OBLIGATIONS);
    Obligations o = base;
    Node level = n.get("auditLevel");
    if (!level.isMissing()) {
      try {
        o = o.withAuditLevel(AuditLevel.parse(level.string()));
      } catch (IllegalArgumentException e) {
        throw level.error(e.getMessage());
      }
    }
    Node profile = n.get("maskingProfile");
    if (!profile.isMissing()) {
      o = o.withMaskingProfile(profile.string());
    }
    return o;
  }

  private static ApprovalRequirement approval(Node n) throws PolicyLoadException {
    n.requireFields(APPROVAL);
    List<String> approvers = new ArrayList<>();
    for (Node g : n.get("approverGroups").items()) {
      approvers.add(g.string());
    }
    Node count = n.get("count");
    int c = count.intOr(1);
    if (c < 1) {
      throw count.error("approval count must be at least 1, got " + c);
    }
    Duration ttl = duration(n.get("ttl"), ApprovalRequirement.DEFAULT_TTL);
    if (ttl.isZero()) {
      throw n.get("ttl").error("approval ttl must be positive");
    }
    Duration reuse = duration(n.get("reuseWindow"), Duration.ZERO);
    ApprovalMode mode = mode(n.get("mode"));
    return new ApprovalRequirement(approvers, c, ttl, mode, reuse);
  }

  private static Duration duration(Node n, Duration fallback) throws PolicyLoadException {
    if (n.isMissing()) {
      return fallback;
    }
    try {
      return Durations.parse(n.string());
    } catch (IllegalArgumentException e) {
      throw n.error(e.getMessage());
    }
  }

  private static ApprovalMode mode(Node n) throws PolicyLoadException {
    if (n.isMissing()) {
      return ApprovalMode.REQUEST_THEN_RETRY;
    }
    String s = n.string();
    return switch (s.toLowerCase(Locale.ROOT).replace("_", "")) {
      case "blocking" -> ApprovalMode.BLOCKING;
      case "requestthenretry" -> ApprovalMode.REQUEST_THEN_RETRY;
      default -> throw n.error("unknown approval mode \"" + s + "\": use Blocking or RequestThenRetry");
    };
  }

  private static RuleMatch ruleMatch(Node match) throws PolicyLoadException {
    Node verbsNode = match.get("verbs");
    List<String> verbs = nonEmptyStrings(verbsNode, "verbs");
    if (verbs.isEmpty()) {
      throw verbsNode.error(verbsNode.isMissing() ? "is required" : "verbs must not be empty");
    }
    for (int i = 0; i < verbs.size(); i++) {
      String v = verbs.get(i);
      if (!v.equals(v.toLowerCase(Locale.ROOT))) {
        throw verbsNode.items().get(i).error(
            "verb \"" + v + "\" would never match: Kubernetes verbs are lower-case (\"" + v.toLowerCase(Locale.ROOT) + "\")");
      }
    }
    Node groupsNode = match.get("apiGroups");
    Node resourcesNode = match.get("resources");
    Node namesNode = match.get("resourceNames");
    Node urlsNode = match.get("nonResourceURLs");
    List<String> groups = groupsNode.strings();
    List<String> resources = nonEmptyStrings(resourcesNode, "resources");
    List<String> names = namesNode.strings();
    List<String> urls = nonEmptyStrings(urlsNode, "nonResourceURLs");
    if (!urls.isEmpty()) {
      for (Node other : List.of(groupsNode, resourcesNode, namesNode, match.get("namespaces"))) {
        if (!other.isMissing()) {
          throw other.error("a rule with nonResourceURLs cannot also match resources or namespaces; split it into two rules");
        }
      }
      List<Node> urlNodes = urlsNode.items();
      for (int i = 0; i < urls.size(); i++) {
        String u = urls.get(i);
        int star = u.indexOf('*');
        if (!u.equals("*") && !u.startsWith("/")) {
          throw urlNodes.get(i).error("nonResourceURL \"" + u + "\" must start with '/' (or be \"*\")");
        }
        if (star >= 0 && star != u.length() - 1) {
          throw urlNodes.get(i).error(
              "bad glob \"" + u + "\": in nonResourceURLs '*' is only a wildcard as the last character");
        }
      }
      return new RuleMatch(verbs, List.of(), List.of(), List.of(), urls);
    }
    if (resources.isEmpty()) {
      throw (resourcesNode.isMissing() ? match : resourcesNode)
          .error("name resources (with apiGroups) or nonResourceURLs");
    }
    if (groups.isEmpty()) {
      throw groupsNode.error(
          (groupsNode.isMissing() ? "is required" : "must not be empty")
              + " when resources are given: use [\"\"] for the core group, [\"*\"] for every group");
    }
    List<Node> resourceNodes = resourcesNode.items();
    for (int i = 0; i < resources.size(); i++) {
      String r = resources.get(i);
      boolean ok = r.equals("*") || (r.startsWith("*/") && r.indexOf('*', 2) < 0 && r.length() > 2) || r.indexOf('*') < 0;
      if (!ok) {
        throw resourceNodes.get(i).error(
            "bad glob \"" + r + "\": resources follow RBAC, where '*' is only \"*\" or \"*/<subresource>\"");
      }
    }
    return new RuleMatch(verbs, groups, resources, names, List.of());
  }

  private static List<String> nonEmptyStrings(Node n, String field) throws PolicyLoadException {
    List<String> out = n.strings();
    List<Node> nodes = n.items();
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).isEmpty()) {
        throw nodes.get(i).error("an empty string in " + field + " never matches");
      }
    }
    return out;
  }

  private static NamespaceScope namespaces(Node n) throws PolicyLoadException {
    if (n.isMissing()) {
      return NamespaceScope.everywhere();
    }
    List<String> patterns = n.strings();
    if (patterns.isEmpty()) {
      throw n.error("namespaces must not be empty; leave it out to cover every namespace and the cluster scope");
    }
    List<Node> nodes = n.items();
    for (int i = 0; i < patterns.size(); i++) {
      String p = patterns.get(i);
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '*')) {
          throw nodes.get(i).error(
              "bad glob \"" + p + "\": a namespace pattern has lower-case letters, digits, '-' and '*' only (\"\" for cluster scope)");
        }
      }
    }
    return NamespaceScope.patterns(patterns);
  }
}

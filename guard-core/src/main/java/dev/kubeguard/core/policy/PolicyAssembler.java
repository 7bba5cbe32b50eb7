package dev.kubeguard.core.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the documents of every policy source into one ordered list of rules: dispatches each
 * document (or {@code v1 List} item) by kind, keeps GuardPolicy rules and RBAC bindings in the
 * order they were read, and resolves bindings once every role is known, so a binding may come
 * before its role, even in another file. Every rule that sets no obligations of its own, whatever
 * its source, takes the load's {@link PolicyDefaults}, so documents are read in two passes: the
 * GuardPolicy defaults first, then the rules. Single-use, not thread-safe.
 */
final class PolicyAssembler {

  public static final String GUARD_API_VERSION = "kubeguard.dev/v1";
  private static final String RBAC_API_VERSION = RbacReader.GROUP + "/v1";
  private static final Set<String> LIST = Set.of("apiVersion", "kind", "metadata", "items");
  private static final String SUPPORTED =
      "supported are GuardPolicy (" + GUARD_API_VERSION + "), Role, ClusterRole, RoleBinding, ClusterRoleBinding ("
          + RBAC_API_VERSION + ") and List (v1)";

  /** A GuardPolicy rule or an RBAC binding, in load order. */
  private sealed interface Entry permits GuardEntry, BindingEntry {}

  private record GuardEntry(GuardPolicyReader.PlacedRule rule) implements Entry {}

  private record BindingEntry(RbacObjects.Binding binding) implements Entry {}

  private final List<Node> documents = new ArrayList<>();
  private final PolicyDefaults defaults = new PolicyDefaults();
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Node> ruleNames = new HashMap<>();
  private final RbacResolver rbac = new RbacResolver();

  /** Reads every document of one source. */
  public void addSource(String source, String text) throws PolicyLoadException {
    for (PolicyDocument doc : DocumentReader.read(source, text)) {
      documents.add(doc.node());
    }
  }

  /** First pass: the defaults of every GuardPolicy, inside Lists too; shape errors wait for the second. */
  private void collectDefaults(Node doc) throws PolicyLoadException {
    String kind;
    List<Node> items = List.of();
    try {
      kind = doc.get("kind").stringOr("");
      if (kind.equals("List")) {
        items = doc.get("items").items();
      }
    } catch (PolicyLoadException e) {
      return; // a malformed document: the second pass reports it where it belongs
    }
    if (kind.equals("GuardPolicy")) {
      defaults.add(doc.get("spec").get("defaults"));
    }
    for (Node item : items) {
      collectDefaults(item);
    }
  }

  private void add(Node doc) throws PolicyLoadException {
    doc.requireObject();
    if (doc.isMissing()) {
      throw doc.error("a policy document must be an object, got null");
    }
    Node kindNode = doc.get("kind");
    Node versionNode = doc.get("apiVersion");
    String kind = kindNode.string();
    String apiVersion = versionNode.string();
    switch (kind) {
      case "GuardPolicy" -> {
        requireVersion(versionNode, apiVersion, GUARD_API_VERSION, kind);
        for (GuardPolicyReader.PlacedRule r : GuardPolicyReader.read(doc, defaults.value())) {
          addGuardRule(r);
        }
      }
      case "Role", "ClusterRole" -> {
        requireVersion(versionNode, apiVersion, RBAC_API_VERSION, kind);
        rbac.addRole(RbacReader.role(doc, kind));
      }
      case "RoleBinding", "ClusterRoleBinding" -> {
        requireVersion(versionNode, apiVersion, RBAC_API_VERSION, kind);
        RbacObjects.Binding b = RbacReader.binding(doc, kind);
        rbac.addBinding(b, doc);
        entries.add(new BindingEntry(b));
      }
      case "List" -> {
        requireVersion(versionNode, apiVersion, "v1", kind);
        doc.requireFields(LIST);
        for (Node item : doc.get("items").items()) {
          add(item);
        }
      }
      default -> throw kindNode.error("unknown kind \"" + kind + "\": " + SUPPORTED);
    }
  }

  private static void requireVersion(Node node, String actual, String expected, String kind)
      throws PolicyLoadException {
    if (!actual.equals(expected)) {
      throw node.error("unsupported apiVersion \"" + actual + "\" for " + kind + ": use " + expected);
    }
  }

  private void addGuardRule(GuardPolicyReader.PlacedRule r) throws PolicyLoadException {
    String name = r.rule().id();
    if (name.startsWith("rbac:")) {
      throw r.name().error("rule names starting with \"rbac:\" are reserved for RBAC bindings");
    }
    Node previous = ruleNames.putIfAbsent(name, r.name());
    if (previous != null) {
      throw r.name().error(
          "duplicate rule name \"" + name + "\" (first used in " + previous.document().source() + " document "
              + previous.document().number() + ", " + previous.path() + "); rule names must be unique");
    }
    entries.add(new GuardEntry(r));
  }

  /** Every rule, numbered in load order. */
  public List<CompiledRule> assemble() throws PolicyLoadException {
    for (Node doc : documents) {
      collectDefaults(doc);
    }
    for (Node doc : documents) {
      add(doc);
    }
    List<CompiledRule> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e instanceof GuardEntry g) {
        out.add(g.rule().rule().withOrdinal(out.size()));
      } else if (e instanceof BindingEntry b) {
        out.addAll(rbac.rulesOf(b.binding(), out.size(), defaults.value()));
      }
    }
    return out;
  }
}

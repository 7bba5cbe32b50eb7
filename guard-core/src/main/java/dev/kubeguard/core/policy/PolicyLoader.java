package dev.kubeguard.core.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Loads policy sources into a {@link GuardPolicyEngine}. A source is YAML (one or many documents
 * separated by {@code ---}) or JSON (detected by a leading <code>{</code>); each document is one
 * of:
 *
 * <ul>
 *   <li>{@code kubeguard.dev/v1 GuardPolicy}, below;
 *   <li>{@code rbac.authorization.k8s.io/v1} {@code Role}, {@code ClusterRole}, {@code
 *       RoleBinding}, {@code ClusterRoleBinding}, with Kubernetes' own meaning: bindings grant
 *       allow rules to their User, Group and ServiceAccount subjects (a service account is user
 *       {@code system:serviceaccount:<ns>:<name>}; a RoleBinding's service account without a
 *       namespace is in the binding's namespace), a ClusterRoleBinding everywhere, a RoleBinding
 *       only in its own namespace, to a Role of that namespace or to a ClusterRole. ClusterRole
 *       {@code aggregationRule} is supported: the role gets the rules of every other loaded
 *       ClusterRole its label selectors match (its own {@code rules} are replaced, as the
 *       aggregation controller does). RBAC rules may list both resources and nonResourceURLs,
 *       as the RBAC authorizer evaluates them, but a Role's rules may not name nonResourceURLs;
 *   <li>{@code v1 List} whose {@code items} are any of these.
 * </ul>
 *
 * Kinds may be mixed freely within and across sources; a binding may precede its role.
 *
 * <p><b>Defaults</b>: the {@code spec.defaults} of the GuardPolicy documents of one load are the
 * obligations of every rule in it that does not set its own: GuardPolicy rules of any document
 * and the rules RBAC bindings grant alike (RBAC objects cannot say an audit level). Several
 * GuardPolicies may set defaults, but a field they both set must agree, else the load fails
 * naming both places. Without any: {@code auditLevel: Metadata, maskingProfile: default}.
 *
 * <h2>GuardPolicy</h2>
 *
 * <pre>{@code
 * apiVersion: kubeguard.dev/v1
 * kind: GuardPolicy
 * metadata: {name: shop}                      # required; labels and annotations allowed
 * spec:
 *   defaults: {auditLevel: Metadata, maskingProfile: default}   # optional; see "Defaults" below
 *   rules:
 *   - name: sre-approve-deletes               # required, unique across everything loaded; the Decision's ruleId
 *     description: deletes in prod need a lead # optional
 *     subjects:                               # required, at least one entry
 *       users: [alice, "ci-*"]                # globs: '*' is any run of characters, even none
 *       groups: ["sre-*"]
 *       serviceAccounts: [{namespace: ci, name: deployer}]   # exact; = user system:serviceaccount:ci:deployer
 *     effect: approve                         # allow | deny | approve
 *     approval:                               # required for approve, refused otherwise
 *       approverGroups: [sre-leads]           # any group when empty
 *       count: 1                              # distinct approvers, default 1
 *       ttl: 15m                              # h, m, s, ms units (1h30m); default 15m
 *       mode: RequestThenRetry                # or Blocking; default RequestThenRetry
 *       reuseWindow: 0s                       # default 0s: single use
 *     match:
 *       verbs: [delete, deletecollection]     # required; lower-case, "*" for all
 *       apiGroups: ["", apps]                 # required with resources; "" is the core group
 *       resources: ["*"]                      # "pods", "pods/log", "*", "*}{@code /scale"
 *       resourceNames: []                     # empty: every name; otherwise a nameless request never matches
 *       namespaces: ["prod-*"]                # optional, see below
 *       # or, instead of apiGroups/resources/resourceNames/namespaces:
 *       # nonResourceURLs: ["/healthz", "/logs/*"]
 *     obligations: {auditLevel: RequestResponse, maskingProfile: default}   # override defaults
 * }</pre>
 *
 * <p>{@code verbs}, {@code apiGroups}, {@code resources}, {@code resourceNames} and {@code
 * nonResourceURLs} mean exactly what they mean in an RBAC {@code PolicyRule}: case-sensitive
 * equality, {@code "*"} for all, {@code "*}{@code /sub"} for a subresource of any resource
 * ({@code "pods/*"} is not a wildcard in RBAC, so it is refused here), and a trailing {@code *}
 * on a URL as a prefix. {@code namespaces} is a list of globs: without it a rule covers every
 * namespace, cluster-scoped requests and all-namespace lists; with it, a rule covers namespaced
 * requests whose namespace matches a glob, and requests without a namespace (cluster-scoped
 * resources, lists across all namespaces) only if the list holds {@code ""}. So {@code ["*"]}
 * is "any one namespace", like a RoleBinding in every namespace, never the whole cluster.
 *
 * <h2>Errors</h2>
 *
 * Anything wrong (syntax, unknown kind or field, wrong type, bad glob, approve without approval,
 * duplicate names, a binding to a role that was not loaded) fails the whole load with a {@link
 * PolicyLoadException} naming the source, document, path and line. Nothing is partially loaded.
 *
 * <p>Stateless static methods and a single-use {@link Builder}; safe to call from any thread.
 */
public final class PolicyLoader {

  private PolicyLoader() {}

  /** Loads these files, in order; a directory contributes its {@code .yaml}, {@code .yml} and {@code .json} files sorted by name. */
  public static GuardPolicyEngine load(List<Path> files) throws PolicyLoadException {
    Builder b = builder();
    for (Path f : files) {
      b.addFile(f);
    }
    return b.build();
  }

  /** Loads these files, in order. */
  public static GuardPolicyEngine load(Path... files) throws PolicyLoadException {
    return load(List.of(files));
  }

  /** Loads one YAML or JSON text; {@code sourceName} is how errors name it. */
  public static GuardPolicyEngine fromYaml(String sourceName, String text) throws PolicyLoadException {
    return builder().addText(sourceName, text).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects sources in order and loads them all at {@link #build()}. Single-use, not thread-safe. */
  public static final class Builder {
    private record Source(String name, Path file, String text) {}

    private final List<Source> sources = new ArrayList<>();

    private Builder() {}

    /** A file, or a directory's {@code .yaml}/{@code .yml}/{@code .json} files sorted by name. */
    public Builder addFile(Path file) {
      sources.add(new Source(file.toString(), Objects.requireNonNull(file, "file"), null));
      return this;
    }

    /** A YAML or JSON text; {@code sourceName} is how errors name it. */
    public Builder addText(String sourceName, String text) {
      sources.add(new Source(Objects.requireNonNull(sourceName, "sourceName"), null, Objects.requireNonNull(text, "text")));
      return this;
    }

    /**
     * Loads every source.
     *
     * @throws PolicyLoadException naming the source, place and problem of the first error found
     */
    public GuardPolicyEngine build() throws PolicyLoadException {
      PolicyAssembler assembler = new PolicyAssembler();
      for (Source s : sources) {
        if (s.file() == null) {
          assembler.addSource(s.name(), s.text());
        } else {
          for (Path f : expand(s.file())) {
            assembler.addSource(f.toString(), read(f));
          }
        }
      }
      return new GuardPolicyEngine(assembler.assemble());
    }

    private static List<Path> expand(Path p) throws PolicyLoadException {
      if (!Files.isDirectory(p)) {
        return List.of(p);
      }
      try (Stream<Path> s = Files.list(p)) {
        return s.filter(Files::isRegularFile)
            .filter(f -> {
              String n = f.getFileName().toString();
              return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
            })
            .sorted()
            .toList();
      } catch (IOException e) {
        throw new PolicyLoadException(p.toString(), 0, "", 0, "could not list the directory: " + e.getMessage(), e);
      }
    }

    private static String read(Path f) throws PolicyLoadException {
      try {
        return Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new PolicyLoadException(f.toString(), 0, "", 0, "could not be read: " + e, e);
      }
    }
  }
}

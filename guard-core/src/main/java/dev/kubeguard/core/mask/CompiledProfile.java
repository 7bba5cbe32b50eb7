package dev.kubeguard.core.mask;

import dev.kubeguard.core.mask.MaskingProfile.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MaskingProfile} prepared for the hot path: flags for the built-in rules, one path trie
 * per kind (plus the union of all of them, used while an object's kind is still unknown), and the
 * name and value matchers. Built once per masker; thread-safe (immutable but for a bounded cache of
 * kind spellings).
 */
final class CompiledProfile {

  final String name;
  final boolean passThrough;
  final boolean secretData;
  final boolean configMapKeys;
  final boolean envValues;
  final boolean embeddedJson;
  final boolean fieldNames;
  final ValueDetectors detectors;
  final SensitiveNames names;
  private final Map<String, FieldPaths.Node> tries;
  // kinds as bodies spell them ("Secret"), so a lookup makes no lower-case copy; bounded, since
  // a hostile body can invent kinds
  private final Map<String, Optional<FieldPaths.Node>> bySpelling = new ConcurrentHashMap<>();
  private final FieldPaths.Node anyKindTrie;
  private final FieldPaths.Node unknownKindTrie;

  public CompiledProfile(MaskingProfile p) {
    this.name = p.name();
    this.passThrough = p.passesThrough();
    this.secretData = p.rules().contains(Rule.SECRET_DATA);
    this.configMapKeys = p.rules().contains(Rule.CONFIG_MAP_KEYS);
    this.envValues = p.rules().contains(Rule.ENV_VALUES) || !p.sensitiveNames().isEmpty();
    this.embeddedJson = p.rules().contains(Rule.EMBEDDED_JSON);
    this.fieldNames = p.rules().contains(Rule.SENSITIVE_FIELD_NAMES);
    this.detectors = new ValueDetectors(p.rules().contains(Rule.VALUE_DETECTORS), p.detectors());
    this.names = new SensitiveNames(
        p.rules().contains(Rule.ENV_VALUES)
            || p.rules().contains(Rule.CONFIG_MAP_KEYS)
            || p.rules().contains(Rule.SENSITIVE_FIELD_NAMES),
        p.sensitiveNames());

    Map<String, List<List<String>>> byKind = new HashMap<>();
    if (p.rules().contains(Rule.SERVICE_ACCOUNT_TOKENS)) {
      byKind.computeIfAbsent("TokenRequest", k -> new ArrayList<>()).add(List.of("status", "token"));
      byKind.computeIfAbsent("TokenReview", k -> new ArrayList<>()).add(List.of("spec", "token"));
    }
    p.fieldPaths().forEach(
        (kind, paths) -> paths.forEach(
            path -> byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(FieldPaths.parse(path))));
    List<List<String>> anyKind = byKind.getOrDefault("*", List.of());
    Map<String, FieldPaths.Node> t = new HashMap<>();
    List<List<String>> all = new ArrayList<>();
    byKind.forEach(
        (kind, paths) -> {
          all.addAll(paths);
          if (!kind.equals("*")) {
            List<List<String>> withAny = new ArrayList<>(paths);
            withAny.addAll(anyKind);
            t.put(kind.toLowerCase(Locale.ROOT), FieldPaths.trie(withAny));
          }
        });
    this.tries = Map.copyOf(t);
    this.anyKindTrie = FieldPaths.trie(anyKind);
    this.unknownKindTrie = FieldPaths.trie(all);
  }

  /**
   * The path trie for objects of {@code kind} (any case); {@code null} kind (not known yet) gets
   * the union.
   */
  FieldPaths.Node trieFor(String kind) {
    if (kind == null) {
      return unknownKindTrie;
    }
    Optional<FieldPaths.Node> known = bySpelling.get(kind);
    if (known == null) {
      known = Optional.ofNullable(tries.getOrDefault(kind.toLowerCase(Locale.ROOT), anyKindTrie));
      if (bySpelling.size() >= 1024) {
        bySpelling.clear();
      }
      bySpelling.put(kind, known);
    }
    return known.orElse(null);
  }

  /** Whether {@code data}-like fields of an object of unknown kind must wait for the kind. */
  boolean kindMatters() {
    return secretData || configMapKeys;
  }

  public String name() {
    return name;
  }

  public boolean passThrough() {
    return passThrough;
  }
}

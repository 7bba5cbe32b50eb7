package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Identity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All rules, filed so that one decision touches only the rules that could match it: first by
 * subject (exact user, exact group, then a short list of subject globs), then by namespace, verb,
 * and resource or URL. Every candidate found is still checked in full ({@link
 * CompiledRule#covers}), so the index only ever narrows the search; it cannot change an answer.
 * The answer equals a linear scan of all rules: the matching rule with the highest-ranked effect
 * and, among those, the lowest ordinal.
 *
 * <p>Immutable and thread-safe once built; {@link #winner} allocates one small accumulator (and
 * the {@code resource/subresource} string for subresource requests).
 */
final class RuleIndex {
  private final Map<String, ScopedRules> byUser;
  private final Map<String, ScopedRules> byGroup;
  private final Glob[] userGlobs;
  private final ScopedRules[] userGlobRules;
  private final Glob[] groupGlobs;
  private final ScopedRules[] groupGlobRules;
  private final int size;

  private RuleIndex(List<CompiledRule> rules) {
    Map<String, ScopedRules.Builder> users = new HashMap<>();
    Map<String, ScopedRules.Builder> groups = new HashMap<>();
    Map<String, ScopedRules.Builder> userGlobMap = new LinkedHashMap<>();
    Map<String, ScopedRules.Builder> groupGlobMap = new LinkedHashMap<>();
    for (CompiledRule r : rules) {
      for (Glob u : r.subjects().users()) {
        (u.isLiteral() ? users : userGlobMap)
            .computeIfAbsent(u.pattern(), k -> new ScopedRules.Builder())
            .add(r);
      }
      for (Glob g : r.subjects().groups()) {
        (g.isLiteral() ? groups : groupGlobMap)
            .computeIfAbsent(g.pattern(), k -> new ScopedRules.Builder())
            .add(r);
      }
    }
    this.byUser = build(users);
    this.byGroup = build(groups);
    this.userGlobs = userGlobMap.keySet().stream().map(Glob::compile).toArray(Glob[]::new);
    this.userGlobRules = userGlobMap.values().stream().map(ScopedRules.Builder::build).toArray(ScopedRules[]::new);
    this.groupGlobs = groupGlobMap.keySet().stream().map(Glob::compile).toArray(Glob[]::new);
    this.groupGlobRules = groupGlobMap.values().stream().map(ScopedRules.Builder::build).toArray(ScopedRules[]::new);
    this.size = rules.size();
  }

  public static RuleIndex build(List<CompiledRule> rules) {
    return new RuleIndex(rules);
  }

  private static Map<String, ScopedRules> build(Map<String, ScopedRules.Builder> m) {
    Map<String, ScopedRules> out = new HashMap<>(m.size() * 2);
    m.forEach((k, v) -> out.put(k, v.build()));
    return out;
  }

  /** How many rules the index holds. */
  public int size() {
    return size;
  }

  /** The deciding rule for this question, or {@code null} when no rule matches. */
  public CompiledRule winner(Identity identity, Attributes a) {
    String combined = a.subresource().isEmpty() ? a.resource() : a.combinedResource();
    Winner w = new Winner(a);
    ScopedRules own = byUser.get(identity.user());
    if (own != null) {
      own.collect(a, combined, w);
    }
    List<String> groups = identity.groups();
    for (int i = 0; i < groups.size(); i++) {
      ScopedRules g = byGroup.get(groups.get(i));
      if (g != null) {
        g.collect(a, combined, w);
      }
    }
    for (int i = 0; i < userGlobs.length; i++) {
      if (userGlobs[i].matches(identity.user())) {
        userGlobRules[i].collect(a, combined, w);
      }
    }
    for (int i = 0; i < groupGlobs.length; i++) {
      for (int j = 0; j < groups.size(); j++) {
        if (groupGlobs[i].matches(groups.get(j))) {
          groupGlobRules[i].collect(a, combined, w);
          break;
        }
      }
    }
    return w.best();
  }
}

package dev.kubeguard.core.policy;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Identity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All rules, filed so that one decision touches only the rules that could match it: first by
 * subject (exact user and exact group in maps, user and group globs in a {@link GlobIndex} each,
 * so a glob subject is only tested when the name shares its literal prefix or suffix), then by
 * namespace, verb, and resource or URL. Every candidate found is still checked in full ({@link
 * CompiledRule#covers}, and the glob itself), so the index only ever narrows the search; it cannot
 * change an answer. The answer equals a linear scan of all rules: the matching rule with the
 * highest-ranked effect and, among those, the lowest ordinal.
 *
 * <p>Immutable and thread-safe once built; {@link #winner} allocates nothing.
 */
final class RuleIndex {
  private final Map<String, ScopedRules> byUser;
  private final Map<String, ScopedRules> byGroup;
  private final GlobIndex<ScopedRules> userGlobs;
  private final GlobIndex<ScopedRules> groupGlobs;
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
    this.userGlobs = GlobIndex.of(build(userGlobMap));
    this.groupGlobs = GlobIndex.of(build(groupGlobMap));
    this.size = rules.size();
  }

  public static RuleIndex build(List<CompiledRule> rules) {
    return new RuleIndex(rules);
  }

  private static Map<String, ScopedRules> build(Map<String, ScopedRules.Builder> m) {
    Map<String, ScopedRules> out = new LinkedHashMap<>(m.size() * 2);
    m.forEach((k, v) -> out.put(k, v.build()));
    return out;
  }

  /** How many rules the index holds. */
  public int size() {
    return size;
  }

  /** The deciding rule for this question, or {@code null} when no rule matches. */
  public CompiledRule winner(Identity identity, Attributes a) {
    CompiledRule best = null;
    ScopedRules own = byUser.get(identity.user());
    if (own != null) {
      best = own.collect(a, best);
    }
    if (!userGlobs.isEmpty()) {
      best = userGlobs.collectMatches(identity.user(), a, best);
    }
    List<String> groups = identity.groups();
    for (int i = 0; i < groups.size(); i++) {
      String group = groups.get(i);
      ScopedRules g = byGroup.get(group);
      if (g != null) {
        best = g.collect(a, best);
      }
      // A rule reached through two groups is offered twice, which changes nothing (Winner).
      if (!groupGlobs.isEmpty()) {
        best = groupGlobs.collectMatches(group, a, best);
      }
    }
    return best;
  }
}

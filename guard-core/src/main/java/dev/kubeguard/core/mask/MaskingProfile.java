package dev.kubeguard.core.mask;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a {@link DefaultMasker} masks under one profile name: which built-in rules are on, plus
 * user additions (field paths per kind, sensitive-name patterns, value detectors). A decision's
 * obligations name the profile; {@link #DEFAULT} and {@link #NONE} are always known.
 *
 * <p>Field paths are relative to a Kubernetes object and separated by dots; a segment holding dots
 * or slashes is written in brackets, {@code *} matches any field, and arrays are transparent:
 * {@code metadata.annotations[example.com/secret]}, {@code spec.containers.args}. Patterns are
 * compiled once, when the profile is built.
 *
 * <p>Immutable and thread-safe. Invalid input fails in the constructor or {@link Builder#build()}
 * with a message that says what to fix.
 *
 * @param name the name decisions use to pick this profile
 * @param rules the built-in rules that are on
 * @param fieldPaths extra paths to mask, per object {@code kind} ({@code "*"} for every kind)
 * @param sensitiveNames extra patterns for env var names, ConfigMap keys and (under
 *     {@link Rule#SENSITIVE_FIELD_NAMES}) field names of any object whose values are masked
 *     (matched with {@code find()})
 * @param detectors extra patterns for secret values inside any string or text body; every match is
 *     replaced by a token
 */
public record MaskingProfile(
    String name,
    Set<Rule> rules,
    Map<String, List<String>> fieldPaths,
    List<Pattern> sensitiveNames,
    List<Pattern> detectors) {

  /** The built-in rules a profile switches on or off. */
  public enum Rule {
    /** Every {@code data} and {@code stringData} value of a Secret. */
    SECRET_DATA,
    /** ConfigMap {@code data}/{@code binaryData} values whose key looks sensitive. */
    CONFIG_MAP_KEYS,
    /** {@code env[].value} wherever it appears, when the variable name looks sensitive. */
    ENV_VALUES,
    /**
     * Any string holding JSON (last-applied-configuration, a manifest in a ConfigMap value) is
     * masked inside with these rules, at any depth; one that does not parse, or is too large, is
     * masked whole, as is a string that declares {@code kind: Secret} and is not JSON.
     */
    EMBEDDED_JSON,
    /** TokenRequest {@code status.token} and TokenReview {@code spec.token}. */
    SERVICE_ACCOUNT_TOKENS,
    /** JWTs, PEM private keys, cloud keys, vendor tokens, basic-auth URLs, password pairs. */
    VALUE_DETECTORS,
    /**
     * In any object, a field whose name looks sensitive ({@code spec.password},
     * {@code credentials}, {@code apiKey}; see the masker's documentation for the list and what
     * is not taken for a secret) has its string value, or every scalar beneath its object or
     * array value, masked. The profile's {@link MaskingProfile#sensitiveNames()} extend it.
     */
    SENSITIVE_FIELD_NAMES
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Every built-in rule: what a Kubernetes user expects masked. */
  public static final MaskingProfile DEFAULT =
      new MaskingProfile("default", EnumSet.allOf(Rule.class), Map.of(), List.of(), List.of());

  /** Masks nothing: bodies pass through unchanged (still streaming, any content type). */
  public static final MaskingProfile NONE =
      new MaskingProfile("none", Set.of(), Map.of(), List.of(), List.of());

  public MaskingProfile {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "masking profile name '" + name + "' must be letters, digits, '.', '_' or '-'");
    }
    rules = rules.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(rules));
    Map<String, List<String>> paths = new LinkedHashMap<>();
    fieldPaths.forEach(
        (kind, list) -> {
          if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("field path kind must not be blank (use \"*\" for all kinds)");
          }
          for (String p : list) {
            FieldPaths.parse(p); // validates
          }
          paths.put(kind, List.copyOf(list));
        });
    fieldPaths = Collections.unmodifiableMap(paths);
    sensitiveNames = List.copyOf(sensitiveNames);
    detectors = List.copyOf(detectors);
  }

  /** Whether this profile masks nothing at all, so bodies may pass through unread. */
  public boolean passesThrough() {
    return rules.isEmpty() && fieldPaths.isEmpty() && sensitiveNames.isEmpty() && detectors.isEmpty();
  }

  /** A builder for profile {@code name}, with no rule on. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a {@link MaskingProfile}; patterns are compiled at {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final EnumSet<Rule> rules = EnumSet.noneOf(Rule.class);
    private final Map<String, List<String>> paths = new LinkedHashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> detectors = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Starts from another profile's rules and additions. */
    public Builder basedOn(MaskingProfile base) {
      rules.addAll(base.rules());
      base.fieldPaths().forEach((k, v) -> paths.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
      base.sensitiveNames().forEach(p -> names.add(p.pattern()));
      base.detectors().forEach(p -> detectors.add(p.pattern()));
      return this;
    }

    public Builder rule(Rule rule) {
      rules.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    public Builder withoutRule(Rule rule) {
      rules.remove(rule);
      return this;
    }

    /** Masks {@code path} in every object of {@code kind} ({@code "*"}: every kind). */
    public Builder fieldPath(String kind, String path) {
      paths.computeIfAbsent(kind, k -> new ArrayList<>()).add(path);
      return this;
    }

    /**
     * Masks env values, ConfigMap values and (with {@link Rule#SENSITIVE_FIELD_NAMES}) values of
     * any field whose name matches {@code regex}.
     */
    public Builder sensitiveName(String regex) {
      names.add(regex);
      return this;
    }

    /** Masks every match of {@code regex} inside any string value or text body. */
    public Builder detector(String regex) {
      detectors.add(regex);
      return this;
    }

    public MaskingProfile build() {
      return new MaskingProfile(name, rules, paths, compile(names, "sensitiveName"), compile(detectors, "detector"));
    }

    private static List<Pattern> compile(List<String> regexes, String what) {
      List<Pattern> out = new ArrayList<>();
      for (String r : regexes) {
        if (r == null || r.isEmpty()) {
          throw new IllegalArgumentException(what + " pattern must not be empty");
        }
        Pattern p;
        try {
          p = Pattern.compile(r);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(what + " pattern '" + r + "' is not a valid regex: " + e.getDescription(), e);
        }
        if (p.matcher("").matches()) {
          throw new IllegalArgumentException(what + " pattern '" + r + "' matches the empty string; make it match something");
        }
        out.add(p);
      }
      return out;
    }
  }
}

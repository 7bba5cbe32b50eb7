package dev.kubeguard.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options, read the way kubectl's (pflag) are: {@code --name value},
 * {@code --name=value}, {@code -n value}, {@code -n=value}, repeatable options, boolean flags
 * ({@code --watch}, {@code --watch=false}), {@code --} ending the options, and a lone {@code -}
 * as an operand (stdin). Options and operands may be interleaved. {@code -h}/{@code --help}
 * anywhere asks for help. Immutable once parsed.
 */
final class Args {

  /** A command line that cannot be run; the message says what to fix. Exit status 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * What a command accepts: options that take a value and boolean flags, each under its long
   * name ({@code --policy}), with short aliases ({@code -n} for {@code --namespace}).
   */
  static final class Spec {
    private final Set<String> valued;
    private final Set<String> flags;
    private final Map<String, String> aliases;

    private Spec(Set<String> valued, Set<String> flags, Map<String, String> aliases) {
      this.valued = valued;
      this.flags = flags;
      this.aliases = aliases;
    }

    static Spec of(Set<String> valued, Set<String> flags, Map<String, String> aliases) {
      return new Spec(Set.copyOf(valued), Set.copyOf(flags), Map.copyOf(aliases));
    }

    static Spec of(Set<String> valued, Set<String> flags) {
      return of(valued, flags, Map.of());
    }
  }

  private final Map<String, List<String>> values;
  private final List<String> operands;
  private final boolean help;

  private Args(Map<String, List<String>> values, List<String> operands, boolean help) {
    this.values = values;
    this.operands = operands;
    this.help = help;
  }

  static Args parse(List<String> argv, Spec spec) throws UsageException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<String> operands = new ArrayList<>();
    boolean help = false;
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("--")) {
        operands.addAll(argv.subList(i + 1, argv.size()));
        break;
      }
      if (a.equals("-") || !a.startsWith("-")) {
        operands.add(a);
        continue;
      }
      int eq = a.indexOf('=');
      String given = eq < 0 ? a : a.substring(0, eq);
      String inline = eq < 0 ? null : a.substring(eq + 1);
      if (given.equals("-h") || given.equals("--help")) {
        help = true;
        continue;
      }
      String name = spec.aliases.getOrDefault(given, given);
      if (spec.valued.contains(name)) {
        String v;
        if (inline != null) {
          v = inline;
        } else if (i + 1 < argv.size()) {
          v = argv.get(++i);
        } else {
          throw new UsageException(given + " needs a value");
        }
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
      } else if (spec.flags.contains(name)) {
        if (inline != null && !inline.equals("true") && !inline.equals("false")) {
          throw new UsageException(given + " is a flag: give it alone, or " + given + "=true|false");
        }
        values.put(name, List.of(inline == null ? "true" : inline));
      } else {
        throw new UsageException("unknown option '" + given + "'");
      }
    }
    return new Args(values, List.copyOf(operands), help);
  }

  /** Whether {@code -h} or {@code --help} was given. */
  boolean help() {
    return help;
  }

  /** Every value of a repeatable option, in order; empty when absent. */
  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** The value of a single-valued option, {@code null} when absent. */
  String one(String name) throws UsageException {
    List<String> v = all(name);
    if (v.size() > 1) {
      throw new UsageException(name + " was given " + v.size() + " times; give it once");
    }
    return v.isEmpty() ? null : v.get(0);
  }

  /** Whether a boolean flag is on. */
  boolean flag(String name) {
    List<String> v = all(name);
    return !v.isEmpty() && v.get(v.size() - 1).equals("true");
  }

  /** The arguments that are not options, in order. */
  List<String> operands() {
    return operands;
  }
}

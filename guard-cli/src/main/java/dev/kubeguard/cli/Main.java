package dev.kubeguard.cli;

import java.util.Arrays;
import java.util.List;

/** Entry point of {@code java -jar kubeguard.jar}. */
public final class Main {

  // One line per command, in the order --help lists them.
  static List<Command> commands() {
    return List.of(
        new ClassifyCommand(),
        new CheckCommand(),
        new MaskCommand(),
        new AuditCommand()
    );
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  static int run(String[] args) throws Exception {
    List<Command> commands = commands();
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println("usage: kubeguard <command> [options]");
      commands.forEach(c -> System.out.println("  " + c.usage()));
      return args.length == 0 ? 2 : 0;
    }
    for (Command c : commands) {
      if (c.name().equals(args[0])) {
        return c.run(Arrays.asList(args).subList(1, args.length), System.in, System.out, System.err);
      }
    }
    System.err.println("kubeguard: unknown command '" + args[0] + "' (try --help)");
    return 2;
  }

  private Main() {}
}

package dev.kubeguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/** Entry point of the {@code kubeguard} command ({@code java -jar kubeguard.jar}). */
public final class Main {

  // One line per command, in the order --help lists them.
  static List<Command> commands() {
    return List.of(
        new ClassifyCommand(),
        new CheckCommand(),
        new MaskCommand(),
        new AuditCommand(),
        new ApprovalsCommand()
    );
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.in, System.out, System.err));
  }

  /** Runs one command line; returns the exit status ({@link Command#OK}, {@link Command#NO}, {@link Command#ERROR}). */
  static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    List<Command> commands = commands();
    if (args.isEmpty()) {
      err.print(help(commands));
      return Command.ERROR;
    }
    String first = args.get(0);
    switch (first) {
      case "--help", "-h" -> {
        out.print(help(commands));
        return Command.OK;
      }
      case "--version", "version" -> {
        out.println("kubeguard " + version());
        return Command.OK;
      }
      case "help" -> {
        if (args.size() == 1) {
          out.print(help(commands));
          return Command.OK;
        }
        return run(List.of(args.get(1), "--help"), in, out, err);
      }
      default -> { }
    }
    for (Command c : commands) {
      if (c.name().equals(first)) {
        try {
          return c.run(args.subList(1, args.size()), in, out, err);
        } catch (IOException | UncheckedIOException e) {
          out.flush();
          err.println("kubeguard " + c.name() + ": " + e.getMessage());
          return Command.ERROR;
        } catch (Exception e) {
          out.flush();
          err.println("kubeguard " + c.name() + ": failed: " + e);
          return Command.ERROR;
        }
      }
    }
    err.println("kubeguard: unknown command '" + first + "' (try kubeguard --help)");
    return Command.ERROR;
  }

  static String help(List<Command> commands) {
    StringBuilder s = new StringBuilder();
    s.append("usage: kubeguard <command> [options]   (kubeguard <command> --help for each)\n");
    s.append("       kubeguard --version\n\n");
    for (Command c : commands) {
      s.append("  ").append(c.usage()).append('\n');
    }
    s.append("\nOptions take --name value or --name=value.\n\n");
    s.append(Command.EXIT_CODES);
    return s.toString();
  }

  /** This build's version, from the jar's resources ({@code unknown} when run unpackaged and unfiltered). */
  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private Main() {}
}

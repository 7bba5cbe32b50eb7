package dev.kubeguard.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * One {@code kubeguard} subcommand. Commands stream stdin to stdout line by line where they read
 * input, report bad input on the line it concerns, and return the process exit status: one of
 * {@link #OK}, {@link #NO} or {@link #ERROR}, the same for every command.
 */
interface Command {

  /** Everything worked, and the answer is yes: allowed, intact, masked. */
  int OK = 0;
  /**
   * The command worked and the answer is no: denied (or needs approval), a broken audit chain, an
   * answer the approval server refused; or a cluster or server that could not be asked.
   */
  int NO = 1;
  /** The command could not do its job: bad usage, a configuration it cannot load, input it cannot read. */
  int ERROR = 2;

  /** The exit codes, as every {@code --help} states them. */
  String EXIT_CODES =
      """
      Exit status:
        0  allowed / intact / done
        1  denied or approval required (check), broken chain (audit verify),
           refused or failed (approvals: the server's or the cluster's message on stderr)
        2  usage error, configuration that cannot be loaded, or input that cannot be read
      """;

  /** The subcommand word ({@code classify}, {@code check}, {@code audit}, {@code approvals}). */
  String name();

  /** One line of usage, shown by {@code kubeguard --help}. */
  String usage();

  /** The full help, shown by {@code kubeguard <command> --help}; ends with {@link #EXIT_CODES}. */
  String help();

  /** Runs with the arguments after the subcommand word; returns the exit status. */
  int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception;
}

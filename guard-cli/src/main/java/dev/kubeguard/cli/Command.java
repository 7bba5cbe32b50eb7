package dev.kubeguard.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * One {@code kubeguard} subcommand. Commands stream stdin to stdout line by line where they read
 * input, report bad input on the line it concerns, and return the process exit status.
 */
interface Command {

  /** The subcommand word ({@code classify}, {@code check}, {@code audit}). */
  String name();

  /** One line of usage, shown by {@code kubeguard --help}. */
  String usage();

  /** Runs with the arguments after the subcommand word; returns the exit status. */
  int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception;
}

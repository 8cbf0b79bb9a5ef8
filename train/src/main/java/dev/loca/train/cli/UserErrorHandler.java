package dev.loca.train.cli;

import picocli.CommandLine;

/**
 * Turns failures into one line on stderr and exit code 1. A {@link UserError} is the user's mistake and
 * gets no stack trace; anything else is our bug and keeps its trace for the report.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    if (ex instanceof UserError) {
      cmd.getErr().println("loca: " + ex.getMessage());
      return 1;
    }
    cmd.getErr().println("loca: internal error: " + ex);
    ex.printStackTrace(cmd.getErr());
    return 1;
  }
}

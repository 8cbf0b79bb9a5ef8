package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code loca} command line in-process with its standard output and error captured. */
abstract class CliTestSupport {
  protected final StringWriter out = new StringWriter();
  protected final StringWriter err = new StringWriter();

  /** Runs {@code loca args...} and returns its exit code. */
  protected int run(String... args) {
    CommandLine cli = LocaMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** The standard error so far, checked to be one line, then cleared. */
  protected String oneLine() {
    String e = err.toString().strip();
    assertEquals(1, e.lines().count(), e);
    err.getBuffer().setLength(0);
    return e;
  }
}

package dev.loca.train.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loca data}: look at and measure the data pipeline. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Data pipeline tools: preview LOCA views and their labels, measure loading speed.",
    subcommands = {PreviewCommand.class, BenchCommand.class})
final class DataCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

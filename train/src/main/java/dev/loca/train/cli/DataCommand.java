package dev.loca.train.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code loca data}: the data pipeline's tools, one subcommand each. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Data tools: make, inspect and measure datasets.",
    subcommands = {DataSynthCommand.class})
final class DataCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

package dev.loca.train.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loca data}: make, look at and measure the data pipeline. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Data tools: write the synthetic scenes, preview LOCA views and their labels, measure loading speed.",
    subcommands = {DataSynthCommand.class, PreviewCommand.class, DataBenchCommand.class})
final class DataCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

package dev.loca.train.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loca} executable: one command with subcommands. */
@Command(name = "loca", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "LOCA on the JVM: location-aware self-supervised pretraining of Vision Transformers.",
    subcommands = {OpsCommand.class, GraphsCommand.class, DataCommand.class, PretrainCommand.class,
        FinetuneCommand.class, EvaluateCommand.class, ExportCommand.class, BenchCommand.class, DemoCommand.class,
        RuntimeInfoCommand.class, GpuCheckCommand.class,
        CommandLine.HelpCommand.class})
public final class LocaMain implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad usage). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line, with our error handlers. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new LocaMain());
    cli.setExecutionExceptionHandler(new UserErrorHandler());
    cli.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("loca: " + ex.getMessage() + " (see 'loca "
          + ex.getCommandLine().getCommandName().replace("loca", "").trim() + " --help')");
      return 2;
    });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

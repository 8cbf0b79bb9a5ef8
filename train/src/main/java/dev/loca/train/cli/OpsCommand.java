package dev.loca.train.cli;

import dev.loca.graph.autodiff.GradientRules;
import dev.loca.graph.ops.OpCatalog;
import dev.loca.graph.ops.OpSchema;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loca ops}: the op catalog as a table. */
@Command(name = "ops", mixinStandardHelpOptions = true,
    description = "Print the op catalog: domain, op, opset, shape inference and gradient rule"
        + " (rule with its flavours, zero, or none).")
final class OpsCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--domain", description = "Only ops of this domain (ai.onnx or com.microsoft).")
  String domain;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    List<OpSchema> ops = OpCatalog.standard().all().stream()
        .filter(s -> domain == null || domainName(s).equals(domain))
        .sorted(Comparator.comparing(OpsCommand::domainName).thenComparing(OpSchema::name))
        .toList();
    if (ops.isEmpty()) {
      throw new UserError("no ops in domain '" + domain + "'; domains are ai.onnx and com.microsoft");
    }
    String fmt = "%-14s %-36s %5s  %-9s %s%n";
    out.printf(Locale.ROOT, fmt, "domain", "op", "opset", "inference", "gradient");
    for (OpSchema s : ops) {
      out.printf(Locale.ROOT, fmt, domainName(s), s.name(), s.sinceVersion(), "yes",
          GradientRules.describe(s.domain(), s.name()));
    }
    out.printf(Locale.ROOT, "%d ops (%d ai.onnx, %d com.microsoft)%n", ops.size(),
        ops.stream().filter(s -> s.domain().isEmpty()).count(),
        ops.stream().filter(s -> !s.domain().isEmpty()).count());
    out.flush();
  }

  private static String domainName(OpSchema s) {
    return s.domain().isEmpty() ? "ai.onnx" : s.domain();
  }
}

package dev.loca.train.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The flags every training command shares: where the run goes (or which it resumes), threads, --set. */
final class RunOptions {
  @Option(names = "--threads", description = "ONNX Runtime threads (0: its default).")
  Integer threads;

  @Option(names = "--out", description = "Folder of a new run.")
  Path out;

  @Option(names = "--resume", description = "Run folder to continue from its last checkpoint.")
  Path resume;

  @Option(names = "--set", description = "key=value for any config field (see config.json).")
  List<String> sets = new ArrayList<>();

  /** Fails unless exactly one of --out and --resume is given; {@code name} is the folder's name in the usage. */
  void requireOutOrResume(String name) {
    if ((out == null) == (resume == null)) {
      throw new UserError("give exactly one of --out " + name + " (new run) and --resume " + name);
    }
  }

  boolean resuming() {
    return resume != null;
  }

  /** The run folder: --resume's or --out's. */
  Path folder() {
    return resume != null ? resume : out;
  }

  /** Adds the thread flag to a command's config-field → flag map. */
  void addTo(Map<String, Object> flags) {
    flags.put("threads", threads);
  }
}

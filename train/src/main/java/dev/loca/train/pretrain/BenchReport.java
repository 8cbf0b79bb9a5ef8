package dev.loca.train.pretrain;

import com.google.common.base.Preconditions;
import dev.loca.graphs.loca.Summary;
import dev.loca.runtime.ort.SessionConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@link StepBenchmark} measured. Training FLOPs per step follow the PyTorch peer's convention: three
 * student forwards (forward and backward) plus one teacher forward, from the analytic forward FLOPs of the
 * summary.
 *
 * @param preset the configuration's name
 * @param device where the sessions ran
 * @param threads intra-op threads (0: ONNX Runtime's default)
 * @param batch images per step
 * @param warmup untimed steps
 * @param liveWorkers 0 for a pre-built batch, otherwise the loader's workers
 * @param stepMs wall time of each timed step, data wait included
 * @param teacherMs teacher pass of each timed step
 * @param trainMs TrainStep of each timed step
 * @param optimizerMs optimizer step and gradient reset of each timed step
 * @param emaMs EMA update of each timed step
 * @param dataWaitMs wait for the batch of each timed step
 * @param trainFlopsPerStep 3 × student forward + teacher forward FLOPs at this batch
 * @param studentForwardFlops the student's forward FLOPs per step
 * @param teacherForwardFlops the teacher's forward FLOPs per step
 * @param buildSeconds time to build the artifacts
 * @param peakRssBytes the process's peak resident size at the end (−1 where unknown)
 * @param lastLoss the loss of the last step
 */
public record BenchReport(String preset, String device, int threads, int batch, int warmup, int liveWorkers,
    double[] stepMs, double[] teacherMs, double[] trainMs, double[] optimizerMs, double[] emaMs, double[] dataWaitMs,
    long trainFlopsPerStep, long studentForwardFlops, long teacherForwardFlops, double buildSeconds,
    long peakRssBytes, double lastLoss) {

  public double medianMs() {
    return percentile(stepMs, 50);
  }

  public double imagesPerSecond() {
    return batch * 1000.0 / medianMs();
  }

  /** Achieved training GFLOP/s at the median step time. */
  public double gflopsPerSecond() {
    return trainFlopsPerStep / 1e6 / medianMs();
  }

  public double peakRssMb() {
    return peakRssBytes < 0 ? -1 : peakRssBytes / (1024.0 * 1024.0);
  }

  /** The {@code p}-th percentile (0..100), interpolated linearly between the sorted values. */
  static double percentile(double[] values, double p) {
    Preconditions.checkArgument(values.length > 0 && p >= 0 && p <= 100, "percentile %s of %s values", (Double) p,
        values.length);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double rank = p / 100 * (sorted.length - 1);
    int low = (int) Math.floor(rank);
    int high = Math.min(low + 1, sorted.length - 1);
    return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
  }

  /** The report for people, without the summary line. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "bench %s: batch %d, %d timed steps after %d warm-up, device %s, %s threads, "
            + "%s%n", preset, batch, stepMs.length, warmup, device, threads == 0 ? "ORT default" : threads,
        liveWorkers == 0 ? "one pre-built batch" : "live loader with " + liveWorkers + " workers"));
    b.append(String.format(Locale.ROOT, "  ms/step     median %.1f  p10 %.1f  p90 %.1f  min %.1f  max %.1f%n",
        medianMs(), percentile(stepMs, 10), percentile(stepMs, 90), percentile(stepMs, 0), percentile(stepMs, 100)));
    b.append(String.format(Locale.ROOT, "  images/s    %.2f%n", imagesPerSecond()));
    b.append(String.format(Locale.ROOT, "  GFLOP/step  %.2f (3 x student forward %.2f + teacher forward %.2f)%n",
        trainFlopsPerStep / 1e9, studentForwardFlops / 1e9, teacherForwardFlops / 1e9));
    b.append(String.format(Locale.ROOT, "  GFLOP/s     %.1f%n", gflopsPerSecond()));
    b.append(String.format(Locale.ROOT, "  peak RSS    %.0f MiB%n", peakRssMb()));
    double other = percentile(otherMs(), 50);
    b.append(String.format(Locale.ROOT, "  split, median ms: teacher %.1f | train step %.1f | optimizer %.1f | EMA %.1f"
            + " | data wait %.1f | other %.1f%n", percentile(teacherMs, 50), percentile(trainMs, 50),
        percentile(optimizerMs, 50), percentile(emaMs, 50), percentile(dataWaitMs, 50), other));
    b.append(String.format(Locale.ROOT, "  artifacts built in %.1f s; loss at the last step %.4f%n", buildSeconds,
        lastLoss));
    return b.toString();
  }

  /** One machine-readable line: {@code bench: key=value ...}. */
  public String summaryLine() {
    return String.format(Locale.ROOT, "bench: preset=%s device=%s threads=%d batch=%d steps=%d ms_per_step=%.1f "
            + "p10_ms=%.1f p90_ms=%.1f images_per_s=%.3f gflops=%.1f peak_rss_mb=%.0f teacher_ms=%.1f train_ms=%.1f "
            + "optimizer_ms=%.1f ema_ms=%.1f data_wait_ms=%.1f", preset, device, threads, batch, stepMs.length,
        medianMs(), percentile(stepMs, 10), percentile(stepMs, 90), imagesPerSecond(), gflopsPerSecond(),
        peakRssMb(), percentile(teacherMs, 50), percentile(trainMs, 50), percentile(optimizerMs, 50),
        percentile(emaMs, 50), percentile(dataWaitMs, 50));
  }

  /** Per step: the wall time not in any part (feeds, draws, Java around the sessions). */
  private double[] otherMs() {
    double[] o = new double[stepMs.length];
    for (int i = 0; i < o.length; i++) {
      o[i] = stepMs[i] - teacherMs[i] - trainMs[i] - optimizerMs[i] - emaMs[i] - dataWaitMs[i];
    }
    return o;
  }

  /** The device as a word: {@code cpu} or {@code cuda:N}. */
  static String deviceName(SessionConfig.Device d) {
    return d instanceof SessionConfig.Cuda cuda ? "cuda:" + cuda.deviceId() : "cpu";
  }

  /** Collects the timed steps. */
  static final class Builder {
    private final StepBenchmark.Settings settings;
    private final Summary summary;
    private final double buildSeconds;
    private final List<double[]> rows = new ArrayList<>();
    private double lastLoss = Double.NaN;

    Builder(StepBenchmark.Settings settings, Summary summary, double buildSeconds) {
      this.settings = settings;
      this.summary = summary;
      this.buildSeconds = buildSeconds;
    }

    void add(double wallMs, double waitMs, StepResult r) {
      StepResult.Timings t = r.timings();
      rows.add(new double[] {wallMs, t.teacherMs(), t.trainMs(), t.optimizerMs(), t.emaMs(), waitMs});
      lastLoss = r.loss();
    }

    BenchReport build(long peakRssBytes) {
      long student = summary.studentForwardFlops();
      long teacher = summary.teacherForwardFlops();
      return new BenchReport(summary.preset(), deviceName(settings.session().device()),
          settings.session().intraOpThreads(), settings.batch(), settings.warmup(), settings.liveWorkers(),
          column(0), column(1), column(2), column(3), column(4), column(5), 3 * student + teacher, student, teacher,
          buildSeconds, peakRssBytes, lastLoss);
    }

    private double[] column(int i) {
      return rows.stream().mapToDouble(r -> r[i]).toArray();
    }
  }
}

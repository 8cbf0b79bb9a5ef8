package dev.loca.train.pretrain;

/**
 * What one step reports: the student's losses and position accuracy (means over the micro-batches of an
 * accumulated step) and where the time went.
 */
public record StepResult(double loss, double lossPosition, double lossFeature, double lossMemax,
    double positionAccuracy, Timings timings) {

  /** Wall-clock milliseconds of the parts of a step. */
  public record Timings(double teacherMs, double trainMs, double optimizerMs, double emaMs) {
    public double totalMs() {
      return teacherMs + trainMs + optimizerMs + emaMs;
    }
  }

  /** The five metrics, in the order of the record, for comparisons and logs. */
  public double[] metrics() {
    return new double[] {loss, lossPosition, lossFeature, lossMemax, positionAccuracy};
  }

  public boolean isFinite() {
    return Double.isFinite(loss) && Double.isFinite(lossPosition) && Double.isFinite(lossFeature)
        && Double.isFinite(lossMemax);
  }
}

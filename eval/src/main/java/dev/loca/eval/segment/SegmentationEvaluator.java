package dev.loca.eval.segment;

import dev.loca.eval.metrics.ConfusionMatrix;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Sample;
import dev.loca.runtime.data.SkipLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs a {@link Segmenter} over every image of a labelled dataset and accumulates one confusion matrix. Windows
 * of consecutive images share session runs ({@link EvaluationSettings#batch} at a time); an image is scored as
 * soon as its last window has run, so only the images of one batch are held at a time.
 */
public final class SegmentationEvaluator {
  private final Segmenter segmenter;
  private final SegmenterCard card;
  private final EvaluationSettings settings;
  private final int size;
  private final int batch;
  private final float[] windows;
  private final List<Tile> tiles = new ArrayList<>();
  private ConfusionMatrix confusion;
  private final List<Evaluation.Example> examples = new ArrayList<>();
  private int done;

  private SegmentationEvaluator(Segmenter segmenter, EvaluationSettings settings) {
    this.segmenter = segmenter;
    this.card = segmenter.card();
    this.settings = settings;
    this.size = card.imageSize();
    this.batch = segmenter.fixedBatch() > 0 ? (int) segmenter.fixedBatch() : settings.batch();
    this.windows = new float[batch * 3 * size * size];
  }

  /**
   * Evaluates {@code segmenter} on every item of {@code data}.
   *
   * @param log where skipped samples are reported (with {@link EvaluationSettings#skipBad})
   * @param progress called with the number of images scored so far, after each image
   * @throws EvaluationException when the dataset has no labels or another class count than the segmenter, or
   *     (without skipBad) a sample cannot be read
   */
  public static Evaluation run(Segmenter segmenter, ImageDataset data, EvaluationSettings settings, SkipLog log,
      IntConsumer progress) {
    return new SegmentationEvaluator(segmenter, settings).evaluate(data, log, progress);
  }

  private Evaluation evaluate(ImageDataset data, SkipLog log, IntConsumer progress) {
    checkClasses(data);
    long began = System.nanoTime();
    confusion = new ConfusionMatrix(card.classes(), data.ignoreLabel());
    int skippedBefore = log.count();
    for (int i = 0; i < data.size(); i++) {
      Sample sample;
      try {
        sample = data.get(i);
      } catch (BadSampleException e) {
        if (!settings.skipBad()) {
          throw new EvaluationException(e.getMessage() + " (--skip-bad skips such files)", e);
        }
        log.skip(e.getMessage());
        continue;
      }
      int[] labels = sample.labels().orElseThrow(() -> new EvaluationException(data.describe() + ": "
          + sample.id() + " has no label map (expected a labelled dataset: ADE20K or Pascal VOC layout, or"
          + " synthetic)"));
      enqueue(new Job(sample, labels), progress);
    }
    flush(progress);
    double seconds = (System.nanoTime() - began) / 1e9;
    return new Evaluation(confusion, card.classNames(), examples, done, log.count() - skippedBefore,
        settings.mode(), seconds);
  }

  private void checkClasses(ImageDataset data) {
    int classes = data.classNames().size();
    if (classes == 0) {
      throw new EvaluationException(data.describe() + " has no labels (expected a labelled dataset: ADE20K or"
          + " Pascal VOC layout, or synthetic)");
    }
    if (classes != card.classes()) {
      throw new EvaluationException(data.describe() + " has " + classes + " classes but the segmenter "
          + segmenter.folder() + " predicts " + card.classes());
    }
    int ignore = data.ignoreLabel();
    if (ignore >= 0 && ignore < classes) {
      throw new EvaluationException(data.describe() + ": ignore label " + ignore + " is a class index");
    }
  }

  private void enqueue(Job job, IntConsumer progress) {
    for (int[] corner : job.corners) {
      Preprocessing.copyWindow(job.pixels, job.canvasWidth, job.canvasHeight, corner[0], corner[1], size, windows,
          tiles.size());
      tiles.add(new Tile(job, corner[0], corner[1]));
      if (tiles.size() == batch) {
        flush(progress);
      }
    }
    job.pixels = null; // every window is in the batch buffer now
  }

  private void flush(IntConsumer progress) {
    if (tiles.isEmpty()) {
      return;
    }
    int n = segmenter.fixedBatch() > 0 ? batch : tiles.size(); // a fixed-batch model gets zero padding
    Arrays.fill(windows, tiles.size() * 3 * size * size, windows.length, 0f);
    float[] input = n == batch ? windows : Arrays.copyOf(windows, n * 3 * size * size);
    float[] logits = segmenter.logits(input, n);
    for (int slot = 0; slot < tiles.size(); slot++) {
      Tile t = tiles.get(slot);
      t.job.logits.add(logits, slot, size, t.x, t.y);
      if (--t.job.remaining == 0) {
        score(t.job);
        progress.accept(done);
      }
    }
    tiles.clear();
  }

  private void score(Job job) {
    int width = job.sample.image().width();
    int height = job.sample.image().height();
    int[] prediction = job.logits.predict(width, height);
    try {
      confusion.add(job.labels, prediction);
    } catch (IllegalArgumentException e) {
      throw new EvaluationException(job.sample.id() + ": " + e.getMessage(), e);
    }
    if (examples.size() < settings.examples()) {
      examples.add(new Evaluation.Example(job.sample.id(), job.sample.image(), job.labels, prediction));
    }
    done++;
  }

  private record Tile(Job job, int x, int y) {}

  /** One image in flight: its canvas pixels until batched, its window corners and its logit canvas. */
  private final class Job {
    final Sample sample;
    final int[] labels;
    final int canvasWidth;
    final int canvasHeight;
    final List<int[]> corners;
    final LogitCanvas logits;
    float[] pixels;
    int remaining;

    Job(Sample sample, int[] labels) {
      this.sample = sample;
      this.labels = labels;
      int[] canvas = settings.mode().canvas(sample.image().width(), sample.image().height(), size);
      canvasWidth = canvas[0];
      canvasHeight = canvas[1];
      corners = settings.mode().windows(canvasWidth, canvasHeight, size);
      logits = new LogitCanvas(card.classes(), canvasWidth, canvasHeight);
      pixels = Preprocessing.canvas(sample.image(), canvasWidth, canvasHeight, card.mean(), card.std());
      remaining = corners.size();
    }
  }
}

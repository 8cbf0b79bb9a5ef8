package dev.loca.eval.testing;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.runtime.data.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The one test fixture for evaluation: a fine-tuned segmenter folder whose model is a per-pixel linear map, a 1×1
 * convolution {@code logits[c] = Σ_k W[c][k]·x[k] + b[c]} of the normalised RGB input. Because it looks at one
 * pixel at a time, Java can compute what it predicts for any pixel ({@link #predict}) independently of ORT.
 */
public final class TinySegmenters {
  /** Preprocessing of the fixture's card: ImageNet's statistics, so that the normalisation is exercised. */
  public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  public static final float[] STD = {0.229f, 0.224f, 0.225f};

  private TinySegmenters() {}

  /**
   * A per-pixel linear segmenter.
   *
   * @param weights [classes][3]
   * @param bias [classes]
   */
  public record Linear(int size, List<String> classNames, float[][] weights, float[] bias) {
    /** Seeded weights in [-1, 1) and biases in [-0.5, 0.5). */
    public static Linear random(int size, List<String> classNames, long seed) {
      Random r = new Random(seed);
      float[][] w = new float[classNames.size()][3];
      float[] b = new float[classNames.size()];
      for (int c = 0; c < w.length; c++) {
        for (int k = 0; k < 3; k++) {
          w[c][k] = r.nextFloat() * 2 - 1;
        }
        b[c] = r.nextFloat() - 0.5f;
      }
      return new Linear(size, classNames, w, b);
    }

    public SegmenterCard card() {
      return new SegmenterCard(VitConfig.preset("micro"), size, classNames, MEAN, STD, 255, "random");
    }

    /** The class Java predicts for pixel (x, y) of {@code image} (computed in doubles; lowest class on ties). */
    public int predict(RgbImage image, int x, int y) {
      int best = 0;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < weights.length; c++) {
        double v = bias[c];
        for (int k = 0; k < 3; k++) {
          v += weights[c][k] * ((image.at(x, y, k) / 255.0 - MEAN[k]) / STD[k]);
        }
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      return best;
    }

    /** Java's prediction for every pixel of {@code image}, row-major. */
    public int[] predict(RgbImage image) {
      int[] out = new int[image.width() * image.height()];
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x < image.width(); x++) {
          out[y * image.width() + x] = predict(image, x, y);
        }
      }
      return out;
    }

    /** Writes {@code segmenter.json} and {@code segmenter.onnx} into {@code folder} (made if missing). */
    public Path write(Path folder) {
      return write(folder, "images", "logits", size, classNames.size());
    }

    /**
     * Writes a folder whose model may disagree with the card: its input and output names, its input side and
     * its number of output channels are the arguments.
     */
    public Path write(Path folder, String input, String output, int modelSize, int modelClasses) {
      try {
        Files.createDirectories(folder);
        card().write(folder);
        GraphBuilder b = new GraphBuilder("tiny-segmenter", 1);
        Value x = b.input(input, DataType.FLOAT, Shape.symbolic("N", 3, modelSize, modelSize));
        float[] w = new float[modelClasses * 3];
        float[] bs = new float[modelClasses];
        for (int c = 0; c < modelClasses; c++) {
          for (int k = 0; k < 3; k++) {
            w[c * 3 + k] = weights[c % weights.length][k];
          }
          bs[c] = bias[c % bias.length];
        }
        Value y = b.node("Conv").inputs(x, b.constant(TensorData.ofFloats(new long[] {modelClasses, 3, 1, 1}, w)),
            b.constant(TensorData.ofFloats(new long[] {modelClasses}, bs))).build();
        b.output(output, y);
        ModelWriter.write(b.model(), folder.resolve(SegmenterCard.MODEL_FILE));
        return folder;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

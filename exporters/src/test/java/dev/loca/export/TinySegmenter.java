package dev.loca.export;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.heads.SegmenterHead;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.graphs.vit.VitEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A tiny fine-tuned segmenter folder as the fine-tuning code writes it (card + inference model under the
 * {@link SegmenterCard} contract), built from seeded random weights: ViT width 16, 2 blocks, patch 4, 16-px
 * input, 3 classes.
 */
final class TinySegmenter {
  static final int SIZE = 16;
  static final VitConfig VIT = new VitConfig("micro", 16, 2, 2, 32, 4, SIZE / 4, 0);
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  private TinySegmenter() {}

  static SegmenterCard card() {
    return new SegmenterCard(VIT, SIZE, List.of("background", "disc", "square"), MEAN, STD, 255, "random");
  }

  /** Writes the folder and returns it. */
  static Path write(Path folder, long seed) throws IOException {
    SegmenterCard card = card();
    GraphBuilder b = new GraphBuilder("segmenter", seed);
    Value images = b.input(SegmenterCard.INPUT, DataType.FLOAT, Shape.symbolic("N", 3, SIZE, SIZE));
    Value tokens = new VitEncoder(VIT).apply(b, images, null, null);
    // A larger head init than Segmenter's 0.02 so that the random model's class map is not all one class.
    Value logits = SegmenterHead.apply(b, "decoder", tokens, card.grid(), VIT.width(), card.classes(), SIZE,
        dev.loca.graph.build.Init.normal(1.0));
    b.output(SegmenterCard.LOGITS, logits);
    java.nio.file.Files.createDirectories(folder);
    ModelWriter.write(b.model(), folder.resolve(SegmenterCard.MODEL_FILE));
    card.write(folder);
    return folder;
  }

  /** Seeded images in [0, 1]: smooth colour gradients with a square, so that the class map has structure. */
  static float[] images(int n, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[] x = new float[n * 3 * SIZE * SIZE];
    for (int i = 0; i < n; i++) {
      int x0 = r.nextInt(SIZE / 2);
      int y0 = r.nextInt(SIZE / 2);
      for (int c = 0; c < 3; c++) {
        float a = r.nextFloat();
        float bgrad = r.nextFloat();
        float fill = r.nextFloat();
        for (int y = 0; y < SIZE; y++) {
          for (int xx = 0; xx < SIZE; xx++) {
            boolean inside = xx >= x0 && xx < x0 + SIZE / 2 && y >= y0 && y < y0 + SIZE / 2;
            x[((i * 3 + c) * SIZE + y) * SIZE + xx] = inside ? fill : (a * xx + bgrad * y) / (2 * SIZE);
          }
        }
      }
    }
    return x;
  }

  /** {@code (x − mean) / std} per channel. */
  static float[] normalize(float[] x, int n) {
    float[] y = new float[x.length];
    int plane = SIZE * SIZE;
    for (int i = 0; i < x.length; i++) {
      int c = (i / plane) % 3;
      y[i] = (x[i] - MEAN[c]) / STD[c];
    }
    return y;
  }
}

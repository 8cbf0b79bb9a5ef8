package dev.loca.eval.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.artifacts.OptimizerSettings;
import dev.loca.graph.artifacts.TrainingArtifacts;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.graphs.seg.SegmenterGraphs;
import dev.loca.graphs.vit.DropPath;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.runtime.data.DatasetException;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderSettings;
import dev.loca.runtime.data.ops.ColorOps;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FinetuneStepTest {
  private static final SessionConfig SESSION = SessionConfig.defaults().withIntraOpThreads(1);

  private static SegmenterCard card(ImageDataset data) {
    return new SegmenterCard(VitConfig.preset("micro").withPosGrid(4), 16, data.classNames(),
        ColorOps.imagenetMean(), ColorOps.imagenetStd(), 255, "random");
  }

  private static ImageDataset data() throws DatasetException {
    return Datasets.open(Tiny.DATA);
  }

  private static Loader<SegmentationAugment.Result, SegmentationBatch> loader(ImageDataset data, SegmenterCard c) {
    return Loader.open(data, new SegmentationAugment(16, 0.5, 2.0, c.mean(), c.std(), c.ignoreLabel()),
        new SegmentationBatch.Assembler(16), LoaderSettings.of(2, 1));
  }

  private static FinetuneStep open(SegmenterCard card, boolean frozen) {
    SegmenterGraphs.Training t = SegmenterGraphs.training(card, 4);
    TrainingArtifacts a = SegmenterGraphs.artifacts(t, frozen, Flavour.FUSED, OptimizerSettings.adamW());
    return FinetuneStep.open(a, SESSION, 0.01f);
  }

  @Test
  void aLinearProbeChangesOnlyTheDecoder() throws DatasetException {
    ImageDataset data = data();
    SegmenterCard card = card(data);
    try (FinetuneStep step = open(card, true); var loader = loader(data, card)) {
      Map<String, TensorData> before = step.weights();
      for (int i = 0; i < 3; i++) {
        try (SegmentationBatch b = loader.next()) {
          step.step(b, DropPath.keepAll(card.encoder(), 2), 1e-2);
        }
      }
      Map<String, TensorData> after = step.weights();
      assertEquals(before.keySet(), after.keySet());
      for (String name : before.keySet()) {
        boolean same = before.get(name).equals(after.get(name));
        assertEquals(name.startsWith("encoder."), same, name + (same ? " unchanged" : " changed"));
      }
    }
  }

  /** segmenter.onnx built from the session's weights gives the logits whose loss the eval model computes. */
  @Test
  void theInferenceModelMatchesTheTrainingGraphsEvalPath() throws DatasetException {
    ImageDataset data = data();
    SegmenterCard card = card(data);
    try (FinetuneStep step = open(card, false); var loader = loader(data, card)) {
      for (int i = 0; i < 2; i++) {
        try (SegmentationBatch b = loader.next()) {
          step.step(b, DropPath.draw(card.encoder(), 2, new SplittableRandom(i)), 1e-2);
        }
      }
      byte[] model = ModelWriter.toBytes(SegmenterGraphs.inference(card, step.weights()));
      try (SegmentationBatch b = loader.next();
          InferenceSession s = OrtEnvironment.shared().openSession(model, SESSION);
          OrtTensor images = OrtTensor.wrap(b.images(), b.imageShape());
          RunResult out = s.run(Map.of(SegmenterCard.INPUT, images))) {
        OrtTensor logits = out.get(SegmenterCard.LOGITS);
        assertArrayEquals(new long[] {2, card.classes(), 16, 16}, logits.shape());
        double[] expected = crossEntropy(logits.toFloatArray(), b.labels(), card.classes(), 16 * 16, 255);
        FinetuneStep.Metrics m = step.evaluate(b, DropPath.keepAll(card.encoder(), 2));
        assertEquals(expected[0], m.loss(), 1e-5);
        assertEquals(expected[1], m.pixelAccuracy(), 1e-6);
        assertTrue(expected[2] > 0, "some pixels are labelled");
        assertFalse(Double.isNaN(m.loss()));
      }
    }
  }

  /** Mean cross-entropy and accuracy over labelled pixels, and their count, in double precision. */
  private static double[] crossEntropy(float[] logits, LongBuffer labels, int classes, int pixels, int ignore) {
    double loss = 0;
    int hits = 0;
    int counted = 0;
    for (int i = 0; i < labels.limit(); i++) {
      long label = labels.get(i);
      if (label == ignore) {
        continue;
      }
      int image = i / pixels;
      int p = i % pixels;
      double max = Double.NEGATIVE_INFINITY;
      int best = 0;
      for (int c = 0; c < classes; c++) {
        double v = logits[(image * classes + c) * pixels + p];
        if (v > max) {
          max = v;
          best = c;
        }
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(logits[(image * classes + c) * pixels + p] - max);
      }
      loss += Math.log(sum) + max - logits[(image * classes + (int) label) * pixels + p];
      hits += best == label ? 1 : 0;
      counted++;
    }
    return new double[] {loss / counted, (double) hits / counted, counted};
  }
}

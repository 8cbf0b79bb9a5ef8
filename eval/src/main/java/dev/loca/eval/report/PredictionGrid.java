package dev.loca.eval.report;

import dev.loca.eval.segment.Evaluation;
import dev.loca.runtime.data.ImageEncoder;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.loop.Plots;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Example predictions as a PNG: one row per image with the image, its ground truth over it and the prediction
 * over it (class colours at {@value #ALPHA} opacity; unlabelled pixels left bare), and a legend of the classes
 * that appear.
 */
public final class PredictionGrid {
  public static final String FILE_NAME = "predictions.png";
  static final float ALPHA = 0.6f;
  private static final int BOX_WIDTH = 240;
  private static final int BOX_HEIGHT = 180;
  private static final int GAP = 8;
  private static final int CAPTION = 18;
  private static final int SWATCH = 12;
  private static final String[] COLUMNS = {"image", "ground truth", "prediction"};

  private PredictionGrid() {}

  /** Writes the grid of {@code examples} to {@code png}. */
  public static void write(Path png, List<Evaluation.Example> examples, List<String> classNames, int ignoreLabel)
      throws IOException {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no example predictions to draw into " + png);
    }
    System.setProperty("java.awt.headless", "true");
    TreeSet<Integer> shown = new TreeSet<>();
    for (Evaluation.Example e : examples) {
      for (int v : e.labels()) {
        if (v != ignoreLabel) {
          shown.add(v);
        }
      }
      for (int v : e.prediction()) {
        shown.add(v);
      }
    }
    int width = GAP + COLUMNS.length * (BOX_WIDTH + GAP);
    int legendColumns = Math.max(1, (width - GAP) / 160);
    int legendRows = (shown.size() + legendColumns - 1) / legendColumns;
    int height = CAPTION + examples.size() * (CAPTION + BOX_HEIGHT + GAP) + GAP + legendRows * (SWATCH + 6);
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.setColor(Color.BLACK);
      for (int col = 0; col < COLUMNS.length; col++) {
        g.drawString(COLUMNS[col], GAP + col * (BOX_WIDTH + GAP), CAPTION - 5);
      }
      int y = CAPTION;
      for (Evaluation.Example e : examples) {
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "%s (%dx%d): %s%% of labelled pixels right", e.id(),
            e.image().width(), e.image().height(), IouTable.percent(accuracy(e, ignoreLabel))), GAP, y + CAPTION - 5);
        y += CAPTION;
        BufferedImage image = ImageEncoder.toBufferedImage(e.image());
        BufferedImage[] tiles = {image, overlay(e.image(), e.labels(), ignoreLabel),
            overlay(e.image(), e.prediction(), ignoreLabel)};
        double scale = Math.min((double) BOX_WIDTH / image.getWidth(), (double) BOX_HEIGHT / image.getHeight());
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        for (int col = 0; col < tiles.length; col++) {
          g.drawImage(tiles[col], GAP + col * (BOX_WIDTH + GAP), y, w, h, null);
        }
        y += BOX_HEIGHT + GAP;
      }
      drawLegend(g, shown, classNames, y, legendColumns);
    } finally {
      g.dispose();
    }
    Plots.write(png, out);
  }

  private static void drawLegend(Graphics2D g, TreeSet<Integer> shown, List<String> names, int top, int columns) {
    FontMetrics fm = g.getFontMetrics();
    int i = 0;
    for (int c : shown) {
      int x = GAP + i % columns * 160;
      int y = top + i / columns * (SWATCH + 6);
      g.setColor(ClassColors.of(c));
      g.fillRect(x, y, SWATCH, SWATCH);
      g.setColor(Color.BLACK);
      g.drawString(c < names.size() ? names.get(c) : Integer.toString(c), x + SWATCH + 4,
          y + SWATCH - (SWATCH - fm.getAscent()) / 2 - 1);
      i++;
    }
  }

  static BufferedImage overlay(RgbImage image, int[] classes, int ignoreLabel) {
    BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        int c = classes[y * image.width() + x];
        int r = image.at(x, y, 0);
        int gr = image.at(x, y, 1);
        int b = image.at(x, y, 2);
        if (c != ignoreLabel) {
          Color k = ClassColors.of(c);
          r = Math.round(ALPHA * k.getRed() + (1 - ALPHA) * r);
          gr = Math.round(ALPHA * k.getGreen() + (1 - ALPHA) * gr);
          b = Math.round(ALPHA * k.getBlue() + (1 - ALPHA) * b);
        }
        out.setRGB(x, y, r << 16 | gr << 8 | b);
      }
    }
    return out;
  }

  private static double accuracy(Evaluation.Example e, int ignoreLabel) {
    long labelled = 0;
    long right = 0;
    for (int p = 0; p < e.labels().length; p++) {
      if (e.labels()[p] != ignoreLabel) {
        labelled++;
        right += e.labels()[p] == e.prediction()[p] ? 1 : 0;
      }
    }
    return labelled == 0 ? Double.NaN : (double) right / labelled;
  }
}

package dev.loca.eval.report;

import dev.loca.eval.metrics.ConfusionMatrix;
import dev.loca.runtime.loop.Plots;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The confusion matrix as a PNG heat map: row = true class, column = predicted class, each row divided by the
 * pixels of its class (white 0 to dark blue 1; rows of classes without ground truth grey). Class names label
 * the rows and, turned, the columns (every k-th name when cells are too small); cells of 24 px or more also
 * print their percentage.
 */
public final class ConfusionPlot {
  public static final String FILE_NAME = "confusion.png";
  private static final int TARGET = 720;
  private static final int TITLE = 22;
  private static final String TITLE_TEXT = "confusion (% of each true class; rows: true class, columns: predicted)";
  private static final int PAD = 8;
  private static final Color FULL = new Color(0x08306b);

  private ConfusionPlot() {}

  public static void write(Path png, ConfusionMatrix m, List<String> classNames) throws IOException {
    if (classNames.size() != m.classes()) {
      throw new IllegalArgumentException(classNames.size() + " class names for a " + m.classes() + "-class matrix");
    }
    System.setProperty("java.awt.headless", "true");
    int n = m.classes();
    int cell = Math.max(3, Math.min(36, TARGET / n));
    int every = (int) Math.ceil(8.0 / cell);
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(12, cell - 2)));
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    FontMetrics fm = pg.getFontMetrics(font);
    int names = classNames.stream().mapToInt(fm::stringWidth).max().orElse(0) + PAD;
    int titleWidth = pg.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12)).stringWidth(TITLE_TEXT) + 2 * PAD;
    pg.dispose();
    int left = PAD + names;
    int top = TITLE + names;
    int width = left + n * cell + PAD;
    int height = top + n * cell + PAD;
    BufferedImage out = new BufferedImage(Math.max(width, titleWidth), height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString(TITLE_TEXT, PAD, TITLE - 7);
      g.setFont(font);
      for (int t = 0; t < n; t++) {
        long row = m.labelled(t);
        for (int p = 0; p < n; p++) {
          double v = row == 0 ? Double.NaN : (double) m.count(t, p) / row;
          g.setColor(Double.isNaN(v) ? Color.LIGHT_GRAY : shade(v));
          g.fillRect(left + p * cell, top + t * cell, cell, cell);
          if (cell >= 24 && !Double.isNaN(v)) {
            g.setColor(v > 0.5 ? Color.WHITE : Color.BLACK);
            String s = String.format(Locale.ROOT, "%.0f", 100 * v);
            g.drawString(s, left + p * cell + (cell - fm.stringWidth(s)) / 2,
                top + t * cell + (cell + fm.getAscent()) / 2 - 2);
          }
        }
      }
      g.setColor(Color.GRAY);
      g.drawRect(left, top, n * cell, n * cell);
      g.setColor(Color.BLACK);
      for (int c = 0; c < n; c += every) {
        String name = classNames.get(c);
        int middle = c * cell + (cell + fm.getAscent()) / 2 - 1;
        g.drawString(name, left - 4 - fm.stringWidth(name), top + middle);
        AffineTransform keep = g.getTransform();
        g.translate(left + middle, top - 4);
        g.rotate(-Math.PI / 2);
        g.drawString(name, 0, 0);
        g.setTransform(keep);
      }
    } finally {
      g.dispose();
    }
    Plots.write(png, out);
  }

  /** White at 0 to {@link #FULL} at 1. */
  private static Color shade(double v) {
    double t = Math.sqrt(Math.max(0, Math.min(1, v))); // small confusions stay visible
    return new Color(mix(FULL.getRed(), t), mix(FULL.getGreen(), t), mix(FULL.getBlue(), t));
  }

  private static int mix(int full, double t) {
    return (int) Math.round(255 + (full - 255) * t);
  }
}

package dev.loca.runtime.loop;

import com.google.common.base.Preconditions;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** Training curves as a PNG: one small line chart per metric against {@value MetricsLog#STEP}. */
public final class Plots {
  public static final int PANEL_WIDTH = 400;
  public static final int PANEL_HEIGHT = 220;
  public static final int COLUMNS = 2;

  private static final int LEFT = 64;
  private static final int RIGHT = 14;
  private static final int TOP = 24;
  private static final int BOTTOM = 30;
  private static final Color LINE = new Color(0x1f77b4);

  private Plots() {}

  /**
   * Thrown instead of drawing when this JVM cannot render text, for example a jlinked runtime on a machine
   * without the font libraries (libharfbuzz, libfreetype): a plot is then skipped, never the run.
   */
  public static final class DrawingUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    DrawingUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static volatile String textProblem;
  private static volatile boolean textChecked;

  /** Fails with {@link DrawingUnavailableException} when text cannot be drawn here; checked once per JVM. */
  public static void requireText() throws DrawingUnavailableException {
    if (!textChecked) {
      synchronized (Plots.class) {
        if (!textChecked) {
          textProblem = probeText();
          textChecked = true;
        }
      }
    }
    if (textProblem != null) {
      throw new DrawingUnavailableException("cannot draw text in this Java runtime (" + textProblem + ")", null);
    }
  }

  private static String probeText() {
    System.setProperty("java.awt.headless", "true");
    try {
      BufferedImage probe = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = probe.createGraphics();
      try {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("0", 0, 8);
      } finally {
        g.dispose();
      }
      return null;
    } catch (LinkageError | java.awt.AWTError | InternalError | RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return message.lines().findFirst().orElse(message);
    }
  }

  /** Width of a figure with {@code charts} panels. */
  public static int width(int charts) {
    return Math.min(charts, COLUMNS) * PANEL_WIDTH;
  }

  /** Height of a figure with {@code charts} panels. */
  public static int height(int charts) {
    return (charts + COLUMNS - 1) / COLUMNS * PANEL_HEIGHT;
  }

  /** Writes the charts of {@code keys} (rows without a finite value are skipped) to {@code png}. */
  public static void writeCurves(Path png, List<Map<String, Double>> rows, List<String> keys) throws IOException {
    Preconditions.checkArgument(!keys.isEmpty(), "no metrics to plot into %s", png);
    requireText();
    List<Map<String, Double>> sorted = new ArrayList<>(rows);
    sorted.removeIf(row -> row.get(MetricsLog.STEP) == null);
    sorted.sort(Comparator.comparingDouble(row -> row.get(MetricsLog.STEP)));

    BufferedImage image = new BufferedImage(width(keys.size()), height(keys.size()), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      for (int i = 0; i < keys.size(); i++) {
        Graphics2D panel = (Graphics2D) g.create(
            i % COLUMNS * PANEL_WIDTH, i / COLUMNS * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
        try {
          drawPanel(panel, keys.get(i), points(sorted, keys.get(i)));
        } finally {
          panel.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    write(png, image);
  }

  private static List<double[]> points(List<Map<String, Double>> rows, String key) {
    List<double[]> points = new ArrayList<>();
    for (Map<String, Double> row : rows) {
      Double y = row.get(key);
      if (y != null && Double.isFinite(y)) {
        points.add(new double[] {row.get(MetricsLog.STEP), y});
      }
    }
    return points;
  }

  private static void drawPanel(Graphics2D g, String key, List<double[]> points) {
    int plotW = PANEL_WIDTH - LEFT - RIGHT;
    int plotH = PANEL_HEIGHT - TOP - BOTTOM;
    g.setColor(Color.BLACK);
    g.drawString(key, LEFT, TOP - 8);
    g.setColor(Color.GRAY);
    g.drawRect(LEFT, TOP, plotW, plotH);
    if (points.isEmpty()) {
      g.drawString("no data", LEFT + plotW / 2 - 20, TOP + plotH / 2);
      return;
    }
    double[] x = range(points, 0);
    double[] y = range(points, 1);
    FontMetrics fm = g.getFontMetrics();
    g.setColor(Color.BLACK);
    String yMax = label(y[1]);
    String yMin = label(y[0]);
    g.drawString(yMax, LEFT - 4 - fm.stringWidth(yMax), TOP + fm.getAscent());
    g.drawString(yMin, LEFT - 4 - fm.stringWidth(yMin), TOP + plotH);
    String xMax = label(x[1]);
    g.drawString(label(x[0]), LEFT, TOP + plotH + fm.getAscent() + 4);
    g.drawString(xMax, LEFT + plotW - fm.stringWidth(xMax), TOP + plotH + fm.getAscent() + 4);

    Path2D.Double curve = new Path2D.Double();
    for (double[] p : points) {
      double px = LEFT + (p[0] - x[0]) / (x[1] - x[0]) * plotW;
      double py = TOP + plotH - (p[1] - y[0]) / (y[1] - y[0]) * plotH;
      if (curve.getCurrentPoint() == null) {
        curve.moveTo(px, py);
      } else {
        curve.lineTo(px, py);
      }
    }
    g.setColor(LINE);
    g.setStroke(new BasicStroke(1.5f));
    g.draw(curve);
    if (points.size() == 1) {
      g.fill(new Ellipse2D.Double(curve.getCurrentPoint().getX() - 2,
          curve.getCurrentPoint().getY() - 2, 4, 4));
    }
  }

  /** {min, max} of one coordinate, widened when flat so that the scale is defined. */
  private static double[] range(List<double[]> points, int coordinate) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] p : points) {
      min = Math.min(min, p[coordinate]);
      max = Math.max(max, p[coordinate]);
    }
    if (min == max) {
      double pad = min == 0 ? 1 : Math.abs(min) * 0.05;
      return new double[] {min - pad, max + pad};
    }
    return new double[] {min, max};
  }

  /** Four significant digits without trailing zeros: {@code 0.001}, {@code 200}, {@code 1.235e-05}. */
  static String label(double v) {
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains(".") && !s.contains("e")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }

  /** Writes {@code image} to {@code png} atomically (a temporary file beside it, then a rename). */
  public static void write(Path png, BufferedImage image) throws IOException {
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      // ImageIO's disk cache registers its temporary file for deletion at exit, which fails while the JVM shuts
      // down (the last plot after Ctrl-C); the image is small, so no cache is needed
      ImageIO.setUseCache(false);
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer in this Java runtime");
      }
    }
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

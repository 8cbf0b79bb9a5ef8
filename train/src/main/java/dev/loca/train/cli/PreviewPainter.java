package dev.loca.train.cli;

import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.ops.CropBox;
import dev.loca.train.views.LocaSample;
import dev.loca.train.views.QueryView;
import dev.loca.train.views.ViewsConfig;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws one image's LOCA views like the paper's Fig. 1: the original image with the crop boxes; the reference
 * with its patch grid, each patch tinted by a colour that encodes its position; and every query with each
 * patch tinted by the colour of the reference patch its label points at (grey for -1).
 */
final class PreviewPainter {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};
  private static final Color UNLABELLED = new Color(128, 128, 128);
  private static final float TINT = 0.5f;
  private static final int GAP = 12;
  private static final int CAPTION = 18;

  private final ViewsConfig config;
  private final int scale;

  PreviewPainter(ViewsConfig config) {
    this.config = config;
    this.scale = Math.max(1, (int) Math.ceil(224.0 / config.referenceSize()));
  }

  BufferedImage paint(RgbImage original, LocaSample s) {
    int grid = config.referenceGrid();
    int[] referenceIds = new int[grid * grid];
    for (int i = 0; i < referenceIds.length; i++) {
      referenceIds[i] = i;
    }
    List<Panel> top = new ArrayList<>();
    int side = config.referenceSize() * scale;
    top.add(new Panel(originalWithBoxes(original, s, side), "original " + original.width() + "x" + original.height()));
    top.add(new Panel(view(s.reference(), config.referenceSize(), referenceIds, grid),
        "reference " + config.referenceSize() + " (" + grid + "x" + grid + ")"));
    top.add(new Panel(view(s.query0().pixels(), config.query0Size(), s.query0().labels(), config.query0Grid()),
        caption("query0", s.query0())));
    List<Panel> bottom = new ArrayList<>();
    for (int i = 0; i < s.focal().size(); i++) {
      QueryView q = s.focal().get(i);
      bottom.add(new Panel(view(q.pixels(), config.focalSize(), q.labels(), config.focalGrid()),
          caption("q" + (i + 1), q)));
    }
    int width = Math.max(rowWidth(top), rowWidth(bottom)) + GAP;
    int topHeight = rowHeight(top);
    int height = GAP + topHeight + (bottom.isEmpty() ? 0 : GAP + rowHeight(bottom)) + GAP;
    BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    drawRow(g, top, GAP);
    drawRow(g, bottom, 2 * GAP + topHeight);
    g.dispose();
    return canvas;
  }

  private static String caption(String name, QueryView q) {
    long labelled = java.util.Arrays.stream(q.labels()).filter(l -> l >= 0).count();
    return name + (q.flipped() ? " flipped" : "") + " " + labelled + "/" + q.labels().length;
  }

  /** The colour of reference patch {@code id}: red grows to the right, blue downwards. */
  Color colourOf(int id) {
    if (id < 0) {
      return UNLABELLED;
    }
    int grid = config.referenceGrid();
    float column = grid == 1 ? 0 : (float) (id % grid) / (grid - 1);
    float row = grid == 1 ? 0 : (float) (id / grid) / (grid - 1);
    return new Color(column, 1 - (column + row) / 2, row);
  }

  private BufferedImage view(float[] chw, int size, int[] labels, int grid) {
    int patch = size / grid;
    int shown = size * scale;
    BufferedImage out = new BufferedImage(shown, shown, BufferedImage.TYPE_INT_RGB);
    int plane = size * size;
    for (int y = 0; y < shown; y++) {
      for (int x = 0; x < shown; x++) {
        int sy = y / scale;
        int sx = x / scale;
        Color tint = colourOf(labels[(sy / patch) * grid + sx / patch]);
        int r = mix(chw[sy * size + sx], 0, tint.getRed());
        int gg = mix(chw[plane + sy * size + sx], 1, tint.getGreen());
        int b = mix(chw[2 * plane + sy * size + sx], 2, tint.getBlue());
        boolean line = (sx % patch == 0 && x % scale == 0) || (sy % patch == 0 && y % scale == 0);
        out.setRGB(x, y, line ? 0x202020 : (r << 16) | (gg << 8) | b);
      }
    }
    return out;
  }

  /** A normalised value back in [0, 255], blended with the tint. */
  private static int mix(float normalised, int channel, int tint) {
    float v = Math.min(1, Math.max(0, normalised * STD[channel] + MEAN[channel])) * 255;
    return Math.round((1 - TINT) * v + TINT * tint);
  }

  private BufferedImage originalWithBoxes(RgbImage img, LocaSample s, int height) {
    double k = (double) height / img.height();
    int width = Math.max(1, (int) Math.round(img.width() * k));
    BufferedImage source = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        source.setRGB(x, y, (img.at(x, y, 0) << 16) | (img.at(x, y, 1) << 8) | img.at(x, y, 2));
      }
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(source, 0, 0, width, height, null);
    g.setStroke(new BasicStroke(1.5f));
    g.setColor(Color.YELLOW);
    for (QueryView q : s.focal()) {
      box(g, q.box(), k);
    }
    g.setColor(Color.CYAN);
    box(g, s.query0().box(), k);
    g.setStroke(new BasicStroke(3f));
    g.setColor(Color.WHITE);
    box(g, s.referenceBox(), k);
    g.dispose();
    return out;
  }

  private static void box(Graphics2D g, CropBox b, double k) {
    g.drawRect((int) Math.round(b.x() * k), (int) Math.round(b.y() * k), (int) Math.round(b.width() * k) - 1,
        (int) Math.round(b.height() * k) - 1);
  }

  private static void drawRow(Graphics2D g, List<Panel> row, int y) {
    int x = GAP;
    for (Panel p : row) {
      g.drawImage(p.image, x, y, null);
      g.setColor(Color.BLACK);
      g.drawString(p.caption, x, y + p.image.getHeight() + 14);
      x += p.image.getWidth() + GAP;
    }
  }

  private static int rowWidth(List<Panel> row) {
    return row.stream().mapToInt(p -> p.image.getWidth() + GAP).sum();
  }

  private static int rowHeight(List<Panel> row) {
    return row.stream().mapToInt(p -> p.image.getHeight()).max().orElse(0) + CAPTION;
  }

  private record Panel(BufferedImage image, String caption) {}
}

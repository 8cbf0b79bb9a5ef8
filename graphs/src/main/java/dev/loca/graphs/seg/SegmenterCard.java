package dev.loca.graphs.seg;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.loca.graphs.vit.VitConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a fine-tuned segmenter is, written beside its inference model as {@value #FILE_NAME}: the encoder shape,
 * the input size, the classes and the preprocessing. The inference model {@value #MODEL_FILE} takes
 * {@value #INPUT} float32 [N, 3, imageSize, imageSize], RGB in [0, 1] normalised with {@code mean} and
 * {@code std}, and gives {@value #LOGITS} float32 [N, classes, imageSize, imageSize].
 *
 * @param encoder the ViT shape (its position grid is the fine-tuning grid, imageSize / patch)
 * @param imageSize the square input side in pixels
 * @param classNames one name per class; its size is the number of classes
 * @param mean per-channel RGB mean subtracted before dividing by {@code std}
 * @param std per-channel RGB standard deviation
 * @param ignoreLabel the label value that carries no class in masks (not a class index)
 * @param encoderSource where the encoder weights came from: a pretraining run folder, or "random"
 */
public record SegmenterCard(VitConfig encoder, int imageSize, List<String> classNames, float[] mean, float[] std,
    int ignoreLabel, String encoderSource) {

  public static final String FILE_NAME = "segmenter.json";
  public static final String MODEL_FILE = "segmenter.onnx";
  public static final String INPUT = "images";
  public static final String LOGITS = "logits";

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
      .create();

  public SegmenterCard {
    if (encoder == null || classNames == null || classNames.isEmpty() || mean == null || std == null
        || encoderSource == null) {
      throw new IllegalArgumentException("segmenter card: encoder, classNames, mean, std and encoderSource are"
          + " required");
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("segmenter card: expected 3 mean and 3 std values, got " + mean.length
          + " and " + std.length);
    }
    if (imageSize <= 0 || imageSize % encoder.patch() != 0) {
      throw new IllegalArgumentException("segmenter card: image size " + imageSize
          + " must be a positive multiple of the patch " + encoder.patch());
    }
    classNames = List.copyOf(classNames);
    mean = mean.clone();
    std = std.clone();
  }

  public int classes() {
    return classNames.size();
  }

  /** Side of the token grid, imageSize / patch. */
  public int grid() {
    return imageSize / encoder.patch();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  public String toJson() {
    return GSON.toJson(this);
  }

  public static SegmenterCard fromJson(String json) {
    SegmenterCard card;
    try {
      card = GSON.fromJson(json, SegmenterCard.class);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a segmenter card: " + e.getMessage(), e);
    }
    if (card == null) {
      throw new IllegalArgumentException("not a segmenter card: empty");
    }
    return card;
  }

  /** Writes {@value #FILE_NAME} into {@code folder}. */
  public void write(Path folder) throws IOException {
    Files.writeString(folder.resolve(FILE_NAME), toJson(), StandardCharsets.UTF_8);
  }

  /** Reads {@value #FILE_NAME} from {@code folder}. */
  public static SegmenterCard read(Path folder) throws IOException {
    Path file = folder.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IOException(folder + ": no " + FILE_NAME + " (expected a fine-tuned segmenter folder)");
    }
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** The inference model {@value #MODEL_FILE} of the segmenter folder {@code folder}; fails naming it if absent. */
  public static Path modelFile(Path folder) throws IOException {
    Path model = folder.resolve(MODEL_FILE);
    if (!Files.isRegularFile(model)) {
      throw new IOException(folder + ": no " + MODEL_FILE + " (expected the segmenter's inference model beside "
          + FILE_NAME + ")");
    }
    return model;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SegmenterCard c && encoder.equals(c.encoder) && imageSize == c.imageSize
        && classNames.equals(c.classNames) && Arrays.equals(mean, c.mean) && Arrays.equals(std, c.std)
        && ignoreLabel == c.ignoreLabel && encoderSource.equals(c.encoderSource);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * encoder.hashCode() + classNames.hashCode()) + imageSize;
  }

  @Override
  public String toString() {
    return "SegmenterCard" + toJson();
  }
}

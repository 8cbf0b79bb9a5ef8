package dev.loca.train.cli;

import dev.loca.runtime.data.ImageDataset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place where a {@code --data} argument becomes a dataset. Until the project's dataset factory
 * ({@code Datasets.open}) and the embedded synthetic scenes land, a folder of images is read with
 * {@code javax.imageio} ({@link ImageIoFolder}); swap the body of {@link #open} for the factory then.
 */
final class DataSources {
  /** The name of the embedded default dataset. */
  static final String SYNTHETIC = "synthetic";

  private DataSources() {}

  static ImageDataset open(String data) {
    if (data.equals(SYNTHETIC)) {
      throw new UserError("--data synthetic: the embedded synthetic scenes are not in this build yet;"
          + " pass --data with a folder of images");
    }
    Path path = Path.of(data);
    if (!Files.exists(path)) {
      throw new UserError("--data " + data + ": no such file or folder");
    }
    if (!Files.isDirectory(path)) {
      throw new UserError("--data " + data + ": expected a folder of images");
    }
    ImageIoFolder folder = ImageIoFolder.scan(path);
    if (folder.size() == 0) {
      throw new UserError("--data " + data + ": no images found (expected " + ImageIoFolder.EXTENSIONS + " files)");
    }
    return folder;
  }
}

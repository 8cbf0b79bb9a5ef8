package dev.loca.graph.artifacts;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkpoint that {@link TrainingArtifacts} carries: either its encoded bytes (every state that fits
 * one flatbuffer comfortably) or, for a state too large for that, the tensors themselves, encoded only
 * when written to a file, where {@link CheckpointWriter} moves them to an external data file.
 *
 * <p>Instances are immutable; equality is identity, as for the byte array it replaces.
 */
public final class CheckpointData {
  private final byte[] bytes;
  private final List<NamedTensor> trainable;
  private final List<NamedTensor> frozen;
  private final Optional<OptimizerState> optimizer;
  private final Properties properties;
  private final long tensorBytes;

  private CheckpointData(
      byte[] bytes,
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties,
      long tensorBytes) {
    this.bytes = bytes;
    this.trainable = trainable;
    this.frozen = frozen;
    this.optimizer = optimizer;
    this.properties = properties;
    this.tensorBytes = tensorBytes;
  }

  /** Encoded checkpoint bytes, as {@link CheckpointWriter#toBytes} makes them (not copied). */
  public static CheckpointData ofBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return new CheckpointData(bytes, null, null, null, null, -1);
  }

  /**
   * The checkpoint of these tensors: encoded now when they hold at most {@link
   * CheckpointWriter#EXTERNAL_DATA_THRESHOLD} bytes, otherwise kept as tensors and encoded when written.
   *
   * @throws IllegalArgumentException as {@link CheckpointWriter#toBytes}, except for the size limit
   */
  public static CheckpointData of(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties) {
    long size = CheckpointWriter.tensorBytes(trainable, frozen, optimizer, properties);
    if (size <= CheckpointWriter.EXTERNAL_DATA_THRESHOLD) {
      return ofBytes(CheckpointWriter.toBytes(trainable, frozen, optimizer, properties));
    }
    return new CheckpointData(null, List.copyOf(trainable), List.copyOf(frozen), optimizer, properties, size);
  }

  /** The tensors, kept as they are whatever their size (what {@link #of} does above the threshold). */
  static CheckpointData ofTensors(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties) {
    long size = CheckpointWriter.tensorBytes(trainable, frozen, optimizer, properties);
    return new CheckpointData(null, List.copyOf(trainable), List.copyOf(frozen), optimizer, properties, size);
  }

  /** True when this holds encoded bytes, so that {@link #bytes()} costs nothing. */
  public boolean isEncoded() {
    return bytes != null;
  }

  /**
   * The encoded checkpoint, for {@code LoadCheckpointFromBuffer} and {@link CheckpointReader#fromBytes}.
   *
   * @throws IllegalArgumentException for a state of tensors over the 2 GiB a flatbuffer can hold (write
   *     it with {@link #write} instead)
   */
  public byte[] bytes() {
    if (bytes != null) {
      return bytes;
    }
    return CheckpointWriter.toBytes(trainable, frozen, optimizer, properties);
  }

  /** What the checkpoint holds, decoded from the bytes or taken from the tensors. */
  public CheckpointContents contents() {
    if (bytes != null) {
      return CheckpointReader.fromBytes(bytes);
    }
    return new CheckpointContents(trainable, frozen, optimizer, properties);
  }

  /**
   * Writes the checkpoint to {@code file} atomically: the bytes as they are, or the tensors with {@link
   * CheckpointWriter.ExternalData#AUTO}, which for a state this large means {@code file} plus {@link
   * CheckpointWriter#externalDataPath}.
   *
   * @throws CheckpointException if a file cannot be written
   */
  public void write(Path file) {
    Objects.requireNonNull(file, "file");
    if (bytes != null) {
      Path target = file.toAbsolutePath();
      CheckpointWriter.writeAtomically(bytes, target);
      CheckpointWriter.removeStale(CheckpointWriter.externalDataPath(target), target);
    } else {
      CheckpointWriter.write(trainable, frozen, optimizer, properties, file, CheckpointWriter.ExternalData.AUTO);
    }
  }

  @Override
  public String toString() {
    return bytes != null
        ? "checkpoint of " + bytes.length + " bytes"
        : "checkpoint of " + tensorBytes + " bytes of tensors, to be written with external data";
  }
}
